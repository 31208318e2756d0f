"""One plot module per chapter: each function takes the chapter's Headline and returns a Chart.

Plots only draw: every number in a title or a rule comes from the headline's figures
and tables, so the chart and the prose can never disagree.
"""
