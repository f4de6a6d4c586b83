"""Individual customers (個人顧客) and their family (家族構成)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daifuku.core.japanese import age_band, age_on, normalize_text
from daifuku.core.links import id_url
from daifuku.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel

from .base import Owned, PostalAddress

ALIVE = Q(deleted_at__isnull=True)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class RelationshipStage(models.TextChoices):
    """How deep the relationship is (seed 002): 探索的 → 基本 → 協働 → 相互接続."""

    EXPLORATORY = "exploratory", _("Exploratory")
    BASIC = "basic", _("Basic")
    COLLABORATIVE = "collaborative", _("Collaborative")
    INTERCONNECTED = "interconnected", _("Interconnected")


class Lifecycle(models.TextChoices):
    LEAD = "lead", _("Lead")
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Customer")
    REPEAT = "repeat", _("Repeat customer")
    ADVOCATE = "advocate", _("Advocate")


class SourceChannel(models.TextChoices):
    STORE = "store", _("Store visit")
    WEB = "web", _("Website")
    EC = "ec", _("Online shop")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event / seminar")
    PHONE = "phone", _("Phone")
    DM = "dm", _("Direct mail")
    SNS = "sns", _("Social media")
    ADVERTISING = "advertising", _("Advertising")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class Person(TimeStampedModel, SoftDeleteModel, VersionedModel, PostalAddress, Owned):
    """An individual customer, the page of the 顧客台帳 a rep opens before every visit:
    name and reading, how to reach them, where they live, family, likes, and how far the
    relationship has come."""

    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_kana = models.CharField(_("family name (kana)"), max_length=100, blank=True)
    given_kana = models.CharField(_("given name (kana)"), max_length=100, blank=True)
    # 五十音順 collation key (JIS X 4061) of the reading, family then given; the name when
    # there is no reading (search_index.person_sort_kana computes it for every writer).
    sort_kana = models.CharField(max_length=201, blank=True, editable=False)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    relationship_stage = models.CharField(
        _("relationship stage"),
        max_length=16,
        choices=RelationshipStage.choices,
        default=RelationshipStage.EXPLORATORY,
    )
    lifecycle = models.CharField(
        _("lifecycle"), max_length=12, choices=Lifecycle.choices, default=Lifecycle.LEAD
    )
    source_channel = models.CharField(
        _("source channel"), max_length=16, choices=SourceChannel.choices, blank=True
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    # 会員番号: the number the shop's own systems (POS, EC) know the customer by, so an
    # order from them finds its customer. Indexed (person_member_idx); "" when none.
    # db_default: the import's bulk writer and older code insert rows without the column.
    member_number = models.CharField(
        _("member number"), max_length=60, blank=True, default="", db_default=""
    )
    tags = models.ManyToManyField(
        "customers.Tag", verbose_name=_("tags"), blank=True, related_name="people"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["sort_kana", "id"], name="person_kana_idx", condition=ALIVE),
            models.Index(
                fields=["owner", "sort_kana", "id"], name="person_owner_kana_idx", condition=ALIVE
            ),
            models.Index(
                fields=["team", "sort_kana", "id"], name="person_team_kana_idx", condition=ALIVE
            ),
            models.Index(
                fields=["lifecycle", "sort_kana", "id"],
                name="person_life_kana_idx",
                condition=ALIVE,
            ),
            # List filters by prefecture or stage in 五十音順 (and their capped counts) walk
            # one range instead of the whole ledger (stage + prefecture took 3 s at 1M).
            models.Index(
                fields=["prefecture", "sort_kana", "id"],
                name="person_pref_kana_idx",
                condition=ALIVE,
            ),
            models.Index(
                fields=["relationship_stage", "sort_kana", "id"],
                name="person_stage_kana_idx",
                condition=ALIVE,
            ),
            # Both together (a rep's "interconnected customers in 鳥取県"): sampled planner
            # statistics rate the two indexes above alike, and walking the stage one cost
            # 0.2 s at 1M; an index on both equalities wins whatever the statistics say.
            models.Index(
                fields=["prefecture", "relationship_stage", "sort_kana", "id"],
                name="person_pref_stage_kana_idx",
                condition=ALIVE,
            ),
            # marketing's segment counts (「東京都・神奈川県の30歳以上の顧客」): the ledger
            # columns segment rules test most, so a count over a million people reads this
            # narrow index, never the wide rows (docs/marketing.md, "Speed"). deleted_at is
            # always NULL here, but SQLite reads only the index when it holds every column
            # the query names, the trash test included.
            models.Index(
                fields=["prefecture", "birthday", "lifecycle", "gender", "deleted_at"],
                name="person_segment_idx",
                condition=ALIVE,
            ),
            models.Index(fields=["created_at", "id"], name="person_created_idx", condition=ALIVE),
            models.Index(fields=["updated_at", "id"], name="person_updated_idx", condition=ALIVE),
            models.Index(fields=["deleted_at"], name="person_deleted_idx", condition=~ALIVE),
            models.Index(fields=["postal_code"], name="person_postal_idx"),
            # orders from the till or the EC site name their customer by 会員番号
            models.Index(
                fields=["member_number"],
                name="person_member_idx",
                condition=ALIVE & ~Q(member_number=""),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return id_url("customers:person", self.pk)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name) if p)

    @property
    def full_kana(self) -> str:
        return " ".join(p for p in (self.family_kana, self.given_kana) if p)

    @property
    def display_name(self) -> str:
        """Family name first with the honorific 様, as written to a customer."""
        return f"{self.full_name} 様"

    def age(self, today: dt.date | None = None) -> int | None:
        if not self.birthday:
            return None
        return age_on(self.birthday, today or timezone.localdate())

    @property
    def age_band(self) -> str | None:
        return age_band(self.age())


class RelationshipStageChange(models.Model):
    """When the relationship reached a stage (seed 002), so the 360° view can say
    「協働: 2025年4月から」 and analytics can measure how long stages take."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=16, choices=RelationshipStage.choices)
    reached_on = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reached_on", "id"]
        indexes = [models.Index(fields=["person", "reached_on"], name="stage_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.stage} ({self.reached_on})"


class HouseholdRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")

    @classmethod
    def parse(cls, value) -> str | None:
        """The stable code of a relation however a person wrote it: the code (``child``),
        the Japanese label (子) or a common word for it (長男, 娘, 妻, 父 …); None if it is
        none of them. Codes, not labels, are stored and returned by the API."""
        text = normalize_text(str(value or "")).replace(" ", "")
        return _RELATION_WORDS.get(text.casefold())


_RELATION_SYNONYMS = {
    "spouse": "配偶者 妻 夫 奥さん 奥様 旦那 旦那様 主人 ご主人 wife husband",
    "child": "子 子供 子ども こども 息子 娘 長男 次男 三男 長女 次女 三女 son daughter",
    "parent": "親 父 母 父親 母親 お父さん お母さん father mother",
    "sibling": "兄弟姉妹 兄弟 姉妹 兄 弟 姉 妹 brother sister",
    "grandparent": "祖父母 祖父 祖母 おじいさん おばあさん grandfather grandmother",
    "grandchild": "孫 孫娘 孫息子",
    "other": "その他 ほか",
}
_RELATION_WORDS: dict[str, str] = {code: code for code in HouseholdRelation.values}
_RELATION_WORDS.update(
    {word.casefold(): code for code, words in _RELATION_SYNONYMS.items() for word in words.split()}
)


class HouseholdMember(models.Model):
    """A member of the customer's family (seed 004: knowing the family is the point of the
    ledger). ``linked_person`` is set when that family member is a customer too."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("kana"), max_length=100, blank=True)
    relation = models.CharField(_("relation"), max_length=12, choices=HouseholdRelation.choices)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    linked_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("linked customer"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"

    def age(self, today: dt.date | None = None) -> int | None:
        return age_on(self.birthday, today or timezone.localdate()) if self.birthday else None
