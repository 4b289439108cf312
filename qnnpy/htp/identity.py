"""What the emulated HTP says it is: the backend id, provider name and HTP API version of the
real backend it stands in for (measured on the QAIRT 2.51 x86-64 libQnnHtp.so). A module of its
own because both the backend and the system-context reader need it, and the latter is
imported by the former."""
BACKEND_ID = 6
PROVIDER_NAME = "HTP_QTI_AISW"
API_VERSION = (5, 51, 0)

# The SoC models (Qnn_SocModel_t numbers) the real HTP backend initializes for, measured by
# setting each through QnnGlobalConfig_Set before QnnBackend_create: 0 (detect) and these; every
# other number is accepted by QnnGlobalConfig_Set and then fails backend creation (4000).
SOC_MODELS = frozenset({0, 30, 32, 34, 35, 36, 37, 38, 39, 41, 42, 43, 45, 46, 50, 52, 53, 54, 57, 58, 60, 61,
                        62, 64, 66, 67, 68, 69, 70, 72, 73, 74, 75, 76, 77, 78, 82, 85, 86, 87})
