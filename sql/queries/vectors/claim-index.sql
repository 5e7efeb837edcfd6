-- $1 tenant, $2 root, $3 embedder id, $4 dimensions. The first writer of a (tenant, root) index names its
-- embedder; every later call reads that name back, so the caller can refuse a different one.
INSERT INTO vector_indexes (tenant, root, embedder, dimensions)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant, root) DO UPDATE SET updated_at = now()
RETURNING embedder, dimensions
