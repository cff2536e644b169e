"""Knowledge-base retrieval: chunking, embedders, BM25, RRF fusion, FAISS index, docstore, `psycollm kb`."""
