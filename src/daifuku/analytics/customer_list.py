"""Rank, RFM, LTV and predicted CLV as filters and sort keys of the customer list."""


def register() -> None:
    pass
