"""Channel adapters: console today; Slack and Teams speak the same Turn and Reply."""
