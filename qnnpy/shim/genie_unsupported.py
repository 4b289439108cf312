"""The Genie functions the real libGenie.so exports (QAIRT 2.51) that qnnpy does not implement.
libGenie.so exports each as a stub answering GENIE_STATUS_ERROR_GENERAL with one log line
saying why, so a client built against the real library links and loads unchanged, and learns
at the call — not at load time — what the emulator cannot do."""

# (name prefix, why), first match wins
REASONS = [
    ("GenieDialog_embedding", "qnnpy's LLM graphs take token ids (input_ids); embedding queries are not supported"),
    ("GenieEmbedding", "qnnpy's LLM graphs take token ids (input_ids); embedding models are not supported"),
    ("GenieDialog_getEngine", "qnnpy's dialogs have one engine (no draft engine, no engine switching)"),
    ("GenieDialog_bindEngine", "qnnpy's dialogs have one engine (no draft engine, no engine switching)"),
    ("GenieEngine", "qnnpy's dialogs have one engine (no draft engine, no engine switching)"),
    ("GenieDialog_batchQuery", "batched queries are not supported"),
    ("GenieDialog_setGrammar", "grammar-constrained sampling is not supported"),
    ("GenieDialog_setPerformancePerStage", "per-stage performance settings are not supported "
                                           "(GenieDialog_setPerformancePolicy is)"),
    ("GeniePerformance", "performance configs are not supported (GenieDialog_setPerformancePolicy is)"),
    ("GenieDialogConfig_createFromDlc", "DLC containers are not supported; qnnpy reads context binaries"),
    ("GenieDlc", "DLC containers are not supported; qnnpy reads context binaries"),
    ("GenieNode", "the Genie node and pipeline API (multimodal pipelines) is not supported"),
    ("GeniePipeline", "the Genie node and pipeline API (multimodal pipelines) is not supported"),
    ("GenieAccuracy", "accuracy evaluation is not supported"),
    ("GenieProfileConfig", "profile configs are not supported (GenieProfile_create takes NULL)"),
    ("GenieSamplerConfig_bindLogger", "sampler configs log nothing of their own (bind the logger to the dialog config)"),
    ("GenieSampler_", "standalone samplers are not supported (a dialog's sampler is: GenieDialog_getSampler)"),
]

NAMES = """
GenieAccuracyConfig_bindLogger GenieAccuracyConfig_createFromJson GenieAccuracyConfig_free GenieAccuracy_compute
GenieAccuracy_createFromDialog GenieAccuracy_createFromNode GenieAccuracy_free GenieDialogConfig_createFromDlc
GenieDialog_batchQuery GenieDialog_bindEngine GenieDialog_embeddingQuery GenieDialog_embeddingTokenQuery
GenieDialog_getEngine GenieDialog_setGrammar GenieDialog_setPerformancePerStage GenieDlcConfig_bindLogger
GenieDlcConfig_create GenieDlcConfig_free GenieDlc_create GenieDlc_free GenieDlc_getUseCases
GenieEmbeddingConfig_bindLogger GenieEmbeddingConfig_bindProfiler GenieEmbeddingConfig_createFromDlc
GenieEmbeddingConfig_createFromJson GenieEmbeddingConfig_free GenieEmbedding_create GenieEmbedding_free
GenieEmbedding_generate GenieEmbedding_getPerformancePolicy GenieEmbedding_setPerformancePolicy
GenieEngineConfig_bindLogger GenieEngineConfig_bindProfiler GenieEngineConfig_createFromJson GenieEngineConfig_free
GenieEngine_create GenieEngine_free GenieNodeConfig_bindLogger GenieNodeConfig_bindProfiler
GenieNodeConfig_createFromDlc GenieNodeConfig_createFromJson GenieNodeConfig_free GenieNode_applyLora
GenieNode_bindEngine GenieNode_create GenieNode_execute GenieNode_free GenieNode_getData GenieNode_getEngine
GenieNode_getSampler GenieNode_getTokenizer GenieNode_reset GenieNode_saveLora GenieNode_setData
GenieNode_setEmbeddingCallback GenieNode_setLoraStrength GenieNode_setProgressCallback GenieNode_setTensorCallback
GenieNode_setTextCallback GenieNode_setTokenCallback GenieNode_setValue GenieNode_train
GeniePerformanceConfig_createFromJson GeniePerformanceConfig_free GeniePerformance_create GeniePerformance_free
GeniePerformance_update GeniePipelineConfig_bindLogger GeniePipelineConfig_bindProfiler
GeniePipelineConfig_createFromJson GeniePipelineConfig_free GeniePipeline_addNode GeniePipeline_connect
GeniePipeline_create GeniePipeline_execute GeniePipeline_free GeniePipeline_reset GeniePipeline_restore
GeniePipeline_save GeniePipeline_setOemKey GeniePipeline_setPriority GenieProfileConfig_bindLogger
GenieProfileConfig_createFromJson GenieProfileConfig_free GenieSamplerConfig_bindLogger GenieSampler_create
GenieSampler_free GenieSampler_sampleData
""".split()


def reason(name: str) -> str:
    return next(why for prefix, why in REASONS if name.startswith(prefix))


def c_stubs() -> str:
    """The exported stubs: their arguments are ignored (all Genie functions return a status, so
    a parameterless definition is call-compatible on the C ABI)."""
    return "".join(f'GENIE_API Genie_Status_t {name}(void) {{ return qnnpy_genie_refuse("{name}"); }}\n'
                   for name in NAMES)
