"""Every write to the customer ledger goes through these functions (docs/architecture.md convention 1)."""

from .companies import create_company, delete_company, restore_company, update_company
from .people import (
    create_person,
    delete_person,
    restore_person,
    update_person,
    validate_person_data,
)
from .related import (
    add_contact,
    add_household_member,
    create_tag,
    define_custom_field,
    delete_tag,
    record_consent,
    remove_contact,
    remove_household_member,
    update_contact,
    update_custom_field,
    update_household_member,
)

__all__ = [
    "add_contact",
    "add_household_member",
    "create_company",
    "create_person",
    "create_tag",
    "define_custom_field",
    "delete_company",
    "delete_person",
    "delete_tag",
    "record_consent",
    "remove_contact",
    "remove_household_member",
    "restore_company",
    "restore_person",
    "update_company",
    "update_contact",
    "update_custom_field",
    "update_household_member",
    "update_person",
    "validate_person_data",
]
