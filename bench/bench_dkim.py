"""DKIM signing of outgoing mail (issue 20, docs/mail-deliverability.md): a campaign mail
of ≈ 8 KB (Japanese HTML and text) signed with a 2048-bit key, dkimpy canonicalising and
OpenSSL (``cryptography``) doing the RSA step — against dkimpy entirely on its own (its
pure-Python RSA) in the same run. Both signatures are checked equal byte for byte at the
RSA step (``marketing/tests/test_feedback_dkim.py``); here only the time.

What it tells: how many signed messages a second one core adds to the delivery engine's
work (the engine's goal is ≥ 1,000 messages a second with 2 workers)."""

from __future__ import annotations

from email.message import EmailMessage

from . import common

REPEAT = {"tiny": 5, "small": 40, "full": 200}


def _message() -> bytes:
    message = EmailMessage()
    message["From"] = "大福商店 <info@example.jp>"
    message["To"] = "hanako@example.jp"
    message["Subject"] = "【会員限定】冬のセールのお知らせ"
    message["Message-ID"] = "<tK9mP2xQ7rL4vN8wB3cZ5d@example.jp>"
    message["List-Unsubscribe"] = "<https://example.jp/u/tK9mP2xQ7rL4vN8wB3cZ5d>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = (
        "田中 太郎 様\n\n"
        + "いつもご利用いただきありがとうございます。冬のセールを開催します。\n" * 40
    )
    message.set_content(text)
    message.add_alternative("<p>" + text.replace("\n", "<br>") + "</p>", subtype="html")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def run(scale: str) -> list[common.Result]:
    from daifuku.marketing.feedback import signing

    raw = _message()
    signer = signing.Signer("example.jp", "bench", signing.generate_key(2048).encode("ascii"))
    repeat = REPEAT[scale]
    try:
        signing.use_openssl_rsa(True)
        fast = common.summary(common.time_ms(lambda: signer.sign(raw), repeat=repeat))
        signing.use_openssl_rsa(False)
        pure = common.summary(common.time_ms(lambda: signer.sign(raw), repeat=repeat, warmup=1))
    finally:
        signing.use_openssl_rsa(True)
    metrics = {"sign_p50_ms": fast["p50_ms"], "per_second": round(1000 / fast["p50_ms"], 1)}
    baseline = {"sign_p50_ms": pure["p50_ms"], "per_second": round(1000 / pure["p50_ms"], 1)}
    return [
        common.Result(
            benchmark="dkim_sign",
            scale=scale,
            metrics=metrics,
            baseline=baseline,
            ratio=round(pure["p50_ms"] / max(fast["p50_ms"], 0.001), 2),
            goal="signing is not what limits the engine: many hundreds of messages a second a core",
            notes=f"{len(raw):,}-byte message, 2048-bit RSA, relaxed/relaxed; baseline = "
            "dkimpy alone (pure-Python RSA); one core",
        )
    ]
