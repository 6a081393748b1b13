"""Extract stage: organisations, amounts, dates, funding rounds and project mentions of one cleaned article, each with its span."""
