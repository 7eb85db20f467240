"""The model side of kairos: the ``Llm`` port, the Claude adapter, spend, and the agent loop.

Only ``kairos_ci.agent.claude`` imports ``anthropic``, and only inside its functions.
"""
