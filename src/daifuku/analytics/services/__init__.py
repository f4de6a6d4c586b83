"""Writes of the analytics app (the only write path): snapshots, ranks and rank rules, the
CLV fit and its predictions, NPS answers, referrals and the advocate rule."""
