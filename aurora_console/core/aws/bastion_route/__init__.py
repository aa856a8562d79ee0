"""Reaching an EC2 bastion through AWS: instance lookup, EC2 Instance Connect key push, and the
carriers (Instance Connect Endpoint, Session Manager) that bring SSH to an instance with no
reachable address. ``route.prepare_route`` puts them together for the tunnel backends."""
