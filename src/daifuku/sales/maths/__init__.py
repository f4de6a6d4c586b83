"""Pure sales maths (no database): periods, forecast, funnel, consumption tax.
Tested table-driven in tests/test_maths.py."""
