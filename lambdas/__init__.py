"""AWS adapters: thin handlers and AWS implementations of the core's ports (boto3 lives here, not in claimlake/)."""
