"""Genie on the emulated HTP: LLM graphs in Genie's conventions (docs/genie.md), their KV
cache and adapters (engine), token sampling (sampler)."""
