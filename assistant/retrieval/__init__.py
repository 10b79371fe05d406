"""The knowledge base and the person's documents: read, chunk, embed, index, hybrid search."""
