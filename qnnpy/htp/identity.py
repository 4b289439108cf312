"""What the emulated HTP says it is: the backend id, provider name and HTP API version of the
real backend it stands in for (measured on the QAIRT 2.51 x86-64 libQnnHtp.so). A module of its
own because both the backend and the system-context reader need it, and the latter is
imported by the former."""
BACKEND_ID = 6
PROVIDER_NAME = "HTP_QTI_AISW"
API_VERSION = (5, 51, 0)
