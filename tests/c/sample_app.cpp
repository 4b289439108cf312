// A client laid out the way Qualcomm's QNN sample application is: stages run in order, each a
// function returning a status, and the graph I/O learnt from the system library's binary info
// and deep-copied before the system context is freed. Compiled as C++17 against include/ only.
//
// Usage: sample_app libQnnHtp.so libQnnSystem.so context.bin out_dir name=input.raw... [section.bin...]
// Executes every graph of the binary on the named inputs (float32), writes each output to
// out_dir/<step>_<graph>_<output>.raw, then for each section applies it and executes again
// (step 1, 2, ...). Prints one line per stage so that a failure says where.
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "HTP/QnnHtpDevice.h"
#include "HTP/QnnHtpSystemContext.h"
#include "QnnInterface.h"
#include "System/QnnSystemInterface.h"

namespace {

enum class StatusCode { SUCCESS, FAILURE };

struct TensorInfo {  // what the app keeps of a binary-info tensor once the system context is gone
  Qnn_Tensor_t tensor;
  std::string name;
  std::vector<uint32_t> dims;
};

struct GraphInfo {
  std::string name;
  Qnn_GraphHandle_t handle = nullptr;
  std::vector<TensorInfo> inputs, outputs;
};

QNN_INTERFACE_VER_TYPE qnn{};
QNN_SYSTEM_INTERFACE_VER_TYPE sys{};
Qnn_LogHandle_t logHandle = nullptr;
Qnn_BackendHandle_t backendHandle = nullptr;
Qnn_DeviceHandle_t deviceHandle = nullptr;
Qnn_ContextHandle_t context = nullptr;
std::vector<GraphInfo> graphs;

void logCallback(const char* fmt, QnnLog_Level_t level, uint64_t, va_list args) {
  if (level > QNN_LOG_LEVEL_WARN) return;
  std::fprintf(stderr, "[backend] ");
  std::vfprintf(stderr, fmt, args);
  std::fprintf(stderr, "\n");
}

bool readFile(const std::string& path, std::vector<char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

StatusCode getQnnFunctionPointers(const char* backendPath, const char* systemPath) {
  void* backendLib = dlopen(backendPath, RTLD_NOW | RTLD_LOCAL);
  void* systemLib = dlopen(systemPath, RTLD_NOW | RTLD_LOCAL);
  if (!backendLib || !systemLib) return StatusCode::FAILURE;
  using GetProviders = Qnn_ErrorHandle_t (*)(const QnnInterface_t***, uint32_t*);
  using GetSystemProviders = Qnn_ErrorHandle_t (*)(const QnnSystemInterface_t***, uint32_t*);
  auto getProviders = reinterpret_cast<GetProviders>(dlsym(backendLib, "QnnInterface_getProviders"));
  auto getSystemProviders = reinterpret_cast<GetSystemProviders>(dlsym(systemLib, "QnnSystemInterface_getProviders"));
  const QnnInterface_t** providers = nullptr;
  const QnnSystemInterface_t** systemProviders = nullptr;
  uint32_t count = 0, systemCount = 0;
  if (!getProviders || getProviders(&providers, &count) != QNN_SUCCESS || !getSystemProviders ||
      getSystemProviders(&systemProviders, &systemCount) != QNN_SUCCESS) {
    return StatusCode::FAILURE;
  }
  bool found = false;
  for (uint32_t i = 0; i < count && !found; ++i) {
    if (providers[i]->apiVersion.coreApiVersion.major == QNN_API_VERSION_MAJOR &&
        providers[i]->apiVersion.coreApiVersion.minor >= QNN_API_VERSION_MINOR) {
      qnn = providers[i]->QNN_INTERFACE_VER_NAME;
      found = true;
    }
  }
  bool systemFound = false;
  for (uint32_t i = 0; i < systemCount && !systemFound; ++i) {
    if (systemProviders[i]->systemApiVersion.major == QNN_SYSTEM_API_VERSION_MAJOR &&
        systemProviders[i]->systemApiVersion.minor >= QNN_SYSTEM_API_VERSION_MINOR) {
      sys = systemProviders[i]->QNN_SYSTEM_INTERFACE_VER_NAME;
      systemFound = true;
    }
  }
  return found && systemFound ? StatusCode::SUCCESS : StatusCode::FAILURE;
}

StatusCode initializeBackend() {
  if (qnn.logCreate(logCallback, QNN_LOG_LEVEL_WARN, &logHandle) != QNN_SUCCESS) return StatusCode::FAILURE;
  return qnn.backendCreate(logHandle, nullptr, &backendHandle) == QNN_SUCCESS ? StatusCode::SUCCESS : StatusCode::FAILURE;
}

StatusCode createDevice() {
  if (qnn.propertyHasCapability(QNN_PROPERTY_GROUP_DEVICE) != QNN_PROPERTY_SUPPORTED) return StatusCode::SUCCESS;
  const QnnDevice_PlatformInfo_t* platform = nullptr;
  if (qnn.deviceGetPlatformInfo(logHandle, &platform) != QNN_SUCCESS) return StatusCode::FAILURE;
  QnnDevice_PlatformInfo_t chosen = QNN_DEVICE_PLATFORM_INFO_INIT;  // the first device, all its cores
  QnnDevice_HardwareDeviceInfo_t device = QNN_DEVICE_HARDWARE_DEVICE_INFO_INIT;
  if (platform->v1.numHwDevices > 0) device = platform->v1.hwDevices[0];
  chosen.v1.numHwDevices = 1;
  chosen.v1.hwDevices = &device;
  QnnHtpDevice_CustomConfig_t arch{};
  arch.option = QNN_HTP_DEVICE_CONFIG_OPTION_ARCH;
  arch.arch.deviceId = 0;
  arch.arch.arch = QNN_HTP_DEVICE_ARCH_V73;
  QnnDevice_Config_t platformConfig = QNN_DEVICE_CONFIG_INIT, archConfig = QNN_DEVICE_CONFIG_INIT;
  platformConfig.option = QNN_DEVICE_CONFIG_OPTION_PLATFORM_INFO;
  platformConfig.hardwareInfo = &chosen;
  archConfig.option = QNN_DEVICE_CONFIG_OPTION_CUSTOM;
  archConfig.customConfig = &arch;
  const QnnDevice_Config_t* configs[] = {&platformConfig, &archConfig, nullptr};
  Qnn_ErrorHandle_t err = qnn.deviceCreate(logHandle, configs, &deviceHandle);
  qnn.deviceFreePlatformInfo(logHandle, platform);
  return err == QNN_SUCCESS ? StatusCode::SUCCESS : StatusCode::FAILURE;
}

TensorInfo deepCopy(const Qnn_Tensor_t& source) {
  TensorInfo info;
  info.tensor = source;
  const Qnn_TensorV1_t& v1 = source.v1;  // V2 extends V1, so this view serves both versions
  info.name = v1.name;
  info.dims.assign(v1.dimensions, v1.dimensions + v1.rank);
  return info;
}

void relink(TensorInfo& info) {  // point the copied struct at the app's own name and dims
  info.tensor.v1.name = info.name.c_str();
  info.tensor.v1.dimensions = info.dims.data();
}

StatusCode copyMetadataToGraphsInfo(const QnnSystemContext_BinaryInfo_t* binaryInfo) {
  uint32_t numGraphs = 0;
  const QnnSystemContext_GraphInfo_t* graphInfos = nullptr;
  if (binaryInfo->version == QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_1) {
    numGraphs = binaryInfo->contextBinaryInfoV1.numGraphs;
    graphInfos = binaryInfo->contextBinaryInfoV1.graphs;
  } else if (binaryInfo->version == QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_2) {
    numGraphs = binaryInfo->contextBinaryInfoV2.numGraphs;
    graphInfos = binaryInfo->contextBinaryInfoV2.graphs;
  } else if (binaryInfo->version == QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_3) {
    numGraphs = binaryInfo->contextBinaryInfoV3.numGraphs;
    graphInfos = binaryInfo->contextBinaryInfoV3.graphs;
    const auto* record = static_cast<const QnnHtpSystemContext_ContextBlobInfo_t*>(
        binaryInfo->contextBinaryInfoV3.contextMetadata);
    if (record == nullptr || record->version != QNN_SYSTEM_CONTEXT_HTP_CONTEXT_INFO_BLOB_VERSION_V1) {
      return StatusCode::FAILURE;
    }
  } else {
    return StatusCode::FAILURE;
  }
  for (uint32_t g = 0; g < numGraphs; ++g) {
    GraphInfo info;
    const QnnSystemContext_GraphInfo_t& source = graphInfos[g];
    if (source.version != QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_1 &&
        source.version != QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_3) {
      return StatusCode::FAILURE;
    }
    const QnnSystemContext_GraphInfoV1_t& v1 = source.graphInfoV1;  // V3 extends V1
    info.name = v1.graphName;
    for (uint32_t i = 0; i < v1.numGraphInputs; ++i) info.inputs.push_back(deepCopy(v1.graphInputs[i]));
    for (uint32_t i = 0; i < v1.numGraphOutputs; ++i) info.outputs.push_back(deepCopy(v1.graphOutputs[i]));
    graphs.push_back(std::move(info));
  }
  for (auto& graph : graphs) {
    for (auto& t : graph.inputs) relink(t);
    for (auto& t : graph.outputs) relink(t);
  }
  return StatusCode::SUCCESS;
}

StatusCode createFromBinary(std::vector<char>& binary) {
  QnnSystemContext_Handle_t sysCtx = nullptr;
  const QnnSystemContext_BinaryInfo_t* binaryInfo = nullptr;
  Qnn_ContextBinarySize_t binaryInfoSize = 0;
  if (sys.systemContextCreate(&sysCtx) != QNN_SUCCESS ||
      sys.systemContextGetBinaryInfo(sysCtx, binary.data(), binary.size(), &binaryInfo, &binaryInfoSize) !=
          QNN_SUCCESS ||
      copyMetadataToGraphsInfo(binaryInfo) != StatusCode::SUCCESS) {
    return StatusCode::FAILURE;
  }
  sys.systemContextFree(sysCtx);  // the binary info is gone from here on: only the copies remain
  if (qnn.contextCreateFromBinary(backendHandle, deviceHandle, nullptr, binary.data(), binary.size(), &context,
                                  nullptr) != QNN_SUCCESS) {
    return StatusCode::FAILURE;
  }
  for (auto& graph : graphs) {
    if (qnn.graphRetrieve(context, graph.name.c_str(), &graph.handle) != QNN_SUCCESS) return StatusCode::FAILURE;
  }
  return StatusCode::SUCCESS;
}

size_t elementCount(const TensorInfo& t) {
  size_t n = 1;
  for (uint32_t d : t.dims) n *= d;
  return n;
}

StatusCode executeGraphs(int step, const std::map<std::string, std::vector<char>>& inputData, const std::string& outDir) {
  for (auto& graph : graphs) {
    std::vector<Qnn_Tensor_t> inputs, outputs;
    std::vector<std::vector<float>> outputBuffers;
    for (auto& t : graph.inputs) {
      auto found = inputData.find(t.name);
      if (found == inputData.end() || found->second.size() != elementCount(t) * sizeof(float) ||
          t.tensor.v1.dataType != QNN_DATATYPE_FLOAT_32) {
        std::fprintf(stderr, "no float32 data of the right size for input %s\n", t.name.c_str());
        return StatusCode::FAILURE;
      }
      Qnn_Tensor_t bound = t.tensor;
      bound.v1.clientBuf.data = const_cast<char*>(found->second.data());
      bound.v1.clientBuf.dataSize = static_cast<uint32_t>(found->second.size());
      inputs.push_back(bound);
    }
    outputBuffers.reserve(graph.outputs.size());
    for (auto& t : graph.outputs) {
      outputBuffers.emplace_back(elementCount(t));
      Qnn_Tensor_t bound = t.tensor;
      bound.v1.clientBuf.data = outputBuffers.back().data();
      bound.v1.clientBuf.dataSize = static_cast<uint32_t>(outputBuffers.back().size() * sizeof(float));
      outputs.push_back(bound);
    }
    if (qnn.graphExecute(graph.handle, inputs.data(), static_cast<uint32_t>(inputs.size()), outputs.data(),
                         static_cast<uint32_t>(outputs.size()), nullptr, nullptr) != QNN_SUCCESS) {
      return StatusCode::FAILURE;
    }
    for (size_t i = 0; i < graph.outputs.size(); ++i) {
      std::string path = outDir + "/" + std::to_string(step) + "_" + graph.name + "_" + graph.outputs[i].name + ".raw";
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(outputBuffers[i].data()),
                 static_cast<std::streamsize>(outputBuffers[i].size() * sizeof(float)));
    }
  }
  return StatusCode::SUCCESS;
}

StatusCode applyBinarySection(std::vector<char>& section) {
  QnnContext_Buffer_t buffer{};
  buffer.version = QNN_CONTEXT_BUFFER_VERSION_1;
  buffer.v1.memType = QNN_CONTEXTMEMTYPE_RAW;
  buffer.v1.binaryBuf.data = section.data();
  buffer.v1.binaryBuf.dataSize = section.size();
  for (auto& graph : graphs) {
    if (qnn.contextApplyBinarySection(context, graph.handle, QNN_CONTEXT_SECTION_UPDATABLE, &buffer, nullptr,
                                      nullptr) != QNN_SUCCESS) {
      return StatusCode::FAILURE;
    }
  }
  return StatusCode::SUCCESS;
}

StatusCode tearDown() {
  bool ok = qnn.contextFree(context, nullptr) == QNN_SUCCESS;
  if (deviceHandle != nullptr) ok = ok && qnn.deviceFree(deviceHandle) == QNN_SUCCESS;
  ok = ok && qnn.backendFree(backendHandle) == QNN_SUCCESS && qnn.logFree(logHandle) == QNN_SUCCESS;
  return ok ? StatusCode::SUCCESS : StatusCode::FAILURE;
}

bool stage(const char* name, StatusCode status) {
  std::printf("%s %s\n", name, status == StatusCode::SUCCESS ? "ok" : "FAILED");
  return status == StatusCode::SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s libQnnHtp.so libQnnSystem.so context.bin out_dir name=input.raw... [section.bin...]\n",
                 argv[0]);
    return 2;
  }
  std::map<std::string, std::vector<char>> inputs;
  std::vector<std::string> sections;
  for (int i = 5; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      sections.push_back(arg);
    } else if (!readFile(arg.substr(eq + 1), inputs[arg.substr(0, eq)])) {
      return 2;
    }
  }
  std::vector<char> binary;
  if (!readFile(argv[3], binary)) return 2;
  if (!stage("getQnnFunctionPointers", getQnnFunctionPointers(argv[1], argv[2])) ||
      !stage("initializeBackend", initializeBackend()) || !stage("createDevice", createDevice()) ||
      !stage("createFromBinary", createFromBinary(binary)) || !stage("executeGraphs", executeGraphs(0, inputs, argv[4]))) {
    return 1;
  }
  for (size_t s = 0; s < sections.size(); ++s) {
    std::vector<char> section;
    if (!readFile(sections[s], section) || !stage("applyBinarySection", applyBinarySection(section)) ||
        !stage("executeGraphs", executeGraphs(static_cast<int>(s) + 1, inputs, argv[4]))) {
      return 1;
    }
  }
  return stage("tearDown", tearDown()) ? 0 : 1;
}
