"""Webhook notifications: urgent alerts, as signed JSON that Slack and generic receivers accept."""
