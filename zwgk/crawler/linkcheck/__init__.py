"""Link checking: the judge (pure verdicts) and what the crawl tracks about link targets."""
