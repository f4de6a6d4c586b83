"""The customer ledger (顧客台帳): people, companies and everything known about them."""

from .companies import Company, Contact
from .consent import Consent
from .contact_points import EmailAddress, PhoneNumber
from .custom_fields import CustomFieldDefinition
from .dedup import DuplicateGroup, DuplicateMember, MergeJournal, MergeJournalEntry, NotDuplicate  # noqa: F401
from .people import HouseholdMember, Person, RelationshipStageChange
from .tags import Tag

__all__ = [
    "Company",
    "Consent",
    "Contact",
    "CustomFieldDefinition",
    "EmailAddress",
    "HouseholdMember",
    "Person",
    "PhoneNumber",
    "RelationshipStageChange",
    "Tag",
]
