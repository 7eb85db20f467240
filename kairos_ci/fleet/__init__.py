"""Fleet mode: kairos over many repositories, one matrix leg per repository (or per hash
shard), each repository keeping its own memory, and one fleet dashboard issue."""
