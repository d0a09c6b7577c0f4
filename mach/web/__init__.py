"""The practitioner web UI: server-rendered GOV.UK Design System pages over the same services
and selectors as the API. Workflow apps add their pages and plug them in through `pages`."""
