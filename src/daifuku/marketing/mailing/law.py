"""特定電子メール法 in every advertising mail, and the check before a campaign is sent.

**Compose hook** (:func:`add_unsubscribe`): every advertising mail gets
``List-Unsubscribe: <https://…/m/u/<signed token>>, <mailto:…?subject=unsubscribe-…>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 2369, RFC 8058; Gmail and Yahoo
require one-click from bulk senders). When a body does not already carry this delivery's
unsubscribe URL (its template has no ``{{ unsubscribe_url }}``), the standard legal footer
is appended to it: the statement that the recipient may refuse with the link
(「配信停止はこちら: URL」, 法第4条 and 施行規則), the sender's name, postal address and
inquiry contact.

**Pre-send check** (:func:`legal_problems`): the sender identity must be complete —
the footer shows it, so a missing item blocks the send — and a template that writes its
own footer (has ``{{ unsubscribe_url }}``) must also say that the recipient may refuse
(配信停止) and show the sender's name, address and contact (as ``{{ sender_name }}``,
``{{ sender_address }}``, ``{{ sender_contact }}`` or the values themselves).
"""

from __future__ import annotations

import re
from html import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .. import unsubscribe
from ..selectors.sender import SenderIdentity, sender_identity
from .hooks import OutgoingMail, Problem

UNSUBSCRIBE_FIELD = re.compile(r"\{\{-?\s*unsubscribe_url\s*-?\}\}")
REFUSAL_WORDS = ("配信停止", "配信解除", "受信拒否", "購読解除", "unsubscribe")
_REACHABLE = re.compile(
    r"(@|https?://|0\d{1,4}[-‐－ー]?\d{1,4}[-‐－ー]?\d{3,4}|\+81|0120|0800|\d{2,4}-\d{2,4}-\d{3,4})"
)


def _settings_place() -> str:
    return _("Settings → Mail sending")


def footer_text(identity: SenderIdentity, url: str) -> str:
    lines = [
        "",
        "-- ",
        _("To stop receiving these mails (配信停止): %(url)s") % {"url": url},
        identity.name,
        identity.postal_address,
        _("Inquiries: %(contact)s") % {"contact": identity.contact},
    ]
    return "\n".join(lines)


def footer_html(identity: SenderIdentity, url: str) -> str:
    link = f'<a href="{escape(url)}">{escape(url)}</a>'
    rows = [
        _refusal_html(link),
        escape(identity.name),
        escape(identity.postal_address),
        escape(_("Inquiries: %(contact)s") % {"contact": identity.contact}),
    ]
    body = "<br>".join(row for row in rows if row)
    return (
        '<div class="daifuku-legal" style="margin-top:24px;padding-top:12px;'
        'border-top:1px solid #ccc;font-size:12px;color:#555">' + body + "</div>"
    )


def _refusal_html(link: str) -> str:
    marker = "\x00URL\x00"
    text = _("To stop receiving these mails (配信停止): %(url)s") % {"url": marker}
    return escape(text).replace(escape(marker), link)


def add_unsubscribe(mail: OutgoingMail) -> None:
    """Compose hook: the unsubscribe headers and, where missing, the legal footer — in
    Japanese whatever language the sending thread has active (the recipient is a customer
    in Japan, and the law's wording is Japanese)."""
    if not mail.is_advertising or not mail.token:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _add_unsubscribe(mail)


def _add_unsubscribe(mail: OutgoingMail) -> None:
    identity = sender_identity()
    url = unsubscribe.url_for(mail.token)
    targets = [f"<{url}>"]
    if identity.unsubscribe_email:
        targets.append(f"<{unsubscribe.mailto_for(mail.token, identity.unsubscribe_email)}>")
    mail.headers["List-Unsubscribe"] = ", ".join(targets)
    mail.headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if mail.text and url not in mail.text:
        mail.text = mail.text.rstrip("\n") + "\n" + footer_text(identity, url) + "\n"
    if mail.html and escape(url) not in mail.html and url not in mail.html:
        footer = footer_html(identity, url)
        closing = mail.html.lower().rfind("</body>")
        mail.html = (
            mail.html[:closing] + footer + mail.html[closing:]
            if closing >= 0
            else mail.html + footer
        )


def _identity_problems(identity: SenderIdentity, from_email: str) -> list[Problem]:
    problems = []
    if not identity.name:
        problems.append(
            Problem(
                "missing_sender_name",
                _(
                    "The sender's name (送信者の氏名又は名称) is missing. Enter it on %(place)s "
                    "or as the company name of the organisation profile."
                )
                % {"place": _settings_place()},
                field="name",
            )
        )
    if not identity.postal_address:
        problems.append(
            Problem(
                "missing_postal_address",
                _(
                    "The sender's postal address (送信者の住所) is missing. Enter it on %(place)s "
                    "or in the organisation profile."
                )
                % {"place": _settings_place()},
                field="postal_address",
            )
        )
    if not identity.contact:
        problems.append(
            Problem(
                "missing_contact",
                _(
                    "The contact for inquiries (苦情・問い合わせ先) is missing. Enter a phone "
                    "number, e-mail address or URL on %(place)s or as the inquiry contact of "
                    "the organisation profile."
                )
                % {"place": _settings_place()},
                field="contact",
            )
        )
    elif not _REACHABLE.search(identity.contact):
        problems.append(
            Problem(
                "contact_not_reachable",
                _(
                    "The contact for inquiries must include a phone number, e-mail address or "
                    "URL (施行規則); add one on %(place)s."
                )
                % {"place": _settings_place()},
                field="contact",
            )
        )
    if not from_email:
        problems.append(
            Problem(
                "missing_from",
                _(
                    "The From address (送信者の電子メールアドレス) is missing. Enter it on "
                    "%(place)s or give the campaign's persona one."
                )
                % {"place": _settings_place()},
                field="from_email",
            )
        )
    return problems


def _own_footer_problems(body: str, label: str, identity: SenderIdentity) -> list[Problem]:
    """A body whose template carries ``{{ unsubscribe_url }}`` gets no standard footer, so
    it must say everything the footer would have said."""
    problems = []
    words = re.sub(r"\{\{.*?\}\}", "", body).lower()  # the merge field's name does not count
    if not any(word in words for word in REFUSAL_WORDS):
        problems.append(
            Problem(
                "missing_unsubscribe",
                _(
                    "The %(body)s has its own unsubscribe link but does not say that the "
                    "recipient may refuse these mails: write e.g. 「配信停止はこちら」 next to "
                    "{{ unsubscribe_url }} in the template."
                )
                % {"body": label},
                field="body",
            )
        )
    checks = (
        ("sender_name", identity.name, "missing_sender_name_in_body", _("the sender's name")),
        (
            "sender_address",
            identity.postal_address,
            "missing_postal_address_in_body",
            _("the sender's postal address"),
        ),
        (
            "sender_contact",
            identity.contact,
            "missing_contact_in_body",
            _("the contact for inquiries"),
        ),
    )
    for field, value, code, what in checks:
        merge = re.search(r"\{\{-?\s*" + field + r"\s*-?\}\}", body)
        if not merge and not (value and value in body):
            problems.append(
                Problem(
                    code,
                    _(
                        "The %(body)s writes its own legal footer but leaves out %(what)s: "
                        "add {{ %(field)s }} to the template (or remove {{ unsubscribe_url }} "
                        "and the standard footer is added)."
                    )
                    % {"body": label, "what": what, "field": field},
                    field="body",
                )
            )
    return problems


def legal_problems(campaign) -> list[Problem]:
    """Pre-send check: what 特定電子メール法 requires of an advertising mail that this
    campaign or the sender settings leave out."""
    identity = sender_identity()
    persona = getattr(campaign, "persona", None)
    from_email = (getattr(persona, "from_email", "") or "") or identity.from_email
    problems = _identity_problems(identity, from_email)
    if not getattr(campaign, "is_advertising", True):
        # not advertising (an order notice): the law's display items do not apply
        return [p for p in problems if p.code == "missing_from"]
    html, text = getattr(campaign, "html", "") or "", getattr(campaign, "text", "") or ""
    if not html.strip() and not text.strip():
        return problems
    for body, label in ((html, _("HTML body")), (text, _("plain-text body"))):
        if body.strip() and UNSUBSCRIBE_FIELD.search(body):
            problems.extend(_own_footer_problems(body, str(label), identity))
    return problems
