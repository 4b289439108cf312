"""GenieProfile.h: timings of the dialogs whose config was bound to a profile
(GenieDialogConfig_bindProfiler), read as JSON with GenieProfile_getJsonData — the layout of
qnnpy/genie/profile.py, the real libGenie.so's: a component per dialog, an event per create,
applyLora and query (prompt tokens, time to first token, generated tokens and their rates).

Codes as measured: a NULL out-pointer INVALID_ARGUMENT, a non-NULL config (a placeholder)
INVALID_ARGUMENT, a bad handle INVALID_HANDLE, freeing a profile still bound BOUND_HANDLE. The
real library keeps answering BOUND_HANDLE after the config and dialog are freed (so a bound
profile can never be freed); qnnpy's frees it once nothing bound to it is alive.
"""
from qnnpy import _handles
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie.calls import Refused, api, live
from qnnpy.genie.profile import Profile

PROFILE = "GenieProfile"


@api(outputs=1)
def GenieProfile_create(configHandle):
    if not _handles.is_null(configHandle):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "configHandle is a placeholder and must be NULL")
    return S.GENIE_STATUS_SUCCESS, _handles.new(PROFILE, Profile())


@api(outputs=1)
def GenieProfile_getJsonData(profileHandle):
    """The JSON text (the C call writes it, NUL included, into memory from its callback)."""
    return S.GENIE_STATUS_SUCCESS, live(profileHandle, PROFILE).to_json()


@api()
def GenieProfile_free(profileHandle):
    profile = live(profileHandle, PROFILE)
    if any(_handles.get(handle, kind) is not None for handle, kind in profile.bound):
        raise Refused(S.GENIE_STATUS_ERROR_BOUND_HANDLE, "the profile is bound to a live dialog config or dialog")
    _handles.free(profileHandle)
    return S.GENIE_STATUS_SUCCESS
