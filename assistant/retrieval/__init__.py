"""Retrieval: filters, fusion, reranking and the hybrid Retriever (검색).

Import what you need from the submodules; this package imports nothing heavy.
"""
