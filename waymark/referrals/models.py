"""The referrals models: signposting now, closed-loop referrals later (issue 7)."""
