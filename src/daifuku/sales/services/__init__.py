"""Every write in sales goes through these functions (docs/architecture.md convention 1)."""

from .catalog import (
    create_lost_reason,
    create_pipeline,
    create_product,
    create_stage,
    update_lost_reason,
    update_pipeline,
    update_product,
    update_sales_settings,
    update_stage,
)
from .deals import create_deal, move_deal_to_stage, update_deal
from .lines import (
    add_deal_contact,
    add_line_item,
    remove_deal_contact,
    remove_line_item,
    update_line_item,
)
from .quotes import issue_quote
from .stalled import flag_stalled_deals, note_touch
from .targets import delete_saved_view, delete_target, save_view, set_target

__all__ = [
    "add_deal_contact",
    "add_line_item",
    "create_deal",
    "create_lost_reason",
    "update_lost_reason",
    "create_pipeline",
    "create_product",
    "create_stage",
    "delete_saved_view",
    "delete_target",
    "flag_stalled_deals",
    "issue_quote",
    "move_deal_to_stage",
    "note_touch",
    "remove_deal_contact",
    "remove_line_item",
    "save_view",
    "set_target",
    "update_deal",
    "update_line_item",
    "update_pipeline",
    "update_product",
    "update_sales_settings",
    "update_stage",
]
