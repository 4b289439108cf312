/* qnnpy — QnnSdkBuildId.h: the SDK build the headers match (emulated by qnnpy). */
#ifndef QNN_SDK_BUILD_ID_H
#define QNN_SDK_BUILD_ID_H

#define QNN_SDK_BUILD_ID "v2.43.0.qnnpy"

#endif
