"""The agent's eight tools: their specs for the model, the context they act in, the file
tools, and the dispatch that validates a call, runs it and says what policy refused."""
