"""The result page names rows by the file's row and the customer's name, results in words."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from daifuku.customers import services as customer_services
from daifuku.imports import services


def test_rows_show_names_row_numbers_and_results_in_words(rep, run_import):
    existing = customer_services.create_person(
        actor=rep,
        data={"family_name": "田中", "given_name": "次郎", "emails": ["tanaka@example.jp"]},
    )
    text = (
        "氏名,メールアドレス\r\n山田 太郎,yamada@example.jp\r\n田中 次郎,tanaka@example.jp\r\n"
        "高橋 三郎,not-an-email\r\n"
    )
    run = run_import(
        rep,
        services.upload(actor=rep, file=SimpleUploadedFile("c.csv", text.encode()), name="c.csv"),
        mode="create",
        dry_run=True,
    )
    client = Client()
    client.force_login(rep)
    page = client.get(
        reverse("imports:progress", args=[run.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "1 件を新規登録、0 件を更新、2 件はエラー" in page
    clash = re.search(r'<tr class="outcome-failed">.*?</tr>', page, re.S).group(0)
    assert "3 行目" in clash and "エラー" in clash
    assert f'<a href="{reverse("customers:person", args=[existing.pk])}">田中 次郎</a>' in clash
    assert "すでに登録されています" in clash
    assert "高橋 三郎" in page and "4 行目" in page and "山田 太郎" in page and "新規登録" in page
    assert not re.search(r"#\d", page) and ">failed<" not in page and ">created<" not in page
