"""The analytics panel of the person page (rank, LTV, RFM, purchases)."""


def person_metrics_panel(request, person) -> dict:
    return {}


def demo_rebuild(**kwargs) -> None:
    pass
