/* Harness (e): the power/perf votes sample apps make, and device platform info, through
 * libQnnHtp.so. Prints "label value" lines; tests/shim/test_perf.py checks them.
 * Usage: perf libQnnHtp.so */
#include <stdbool.h>
#include <string.h>

#include "HTP/QnnHtpDevice.h"
#include "qnn_loader.h"

static char last_log[1024];

static void remember_log(const char* fmt, QnnLog_Level_t level, uint64_t timestamp, va_list args) {
  (void)level;
  (void)timestamp;
  vsnprintf(last_log, sizeof last_log, fmt, args);
}

#define REPORT(label, call) printf("%s %lu\n", label, (unsigned long)QNN_GET_ERROR_CODE(call))

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  Qnn_LogHandle_t log = NULL;
  Qnn_BackendHandle_t backend = NULL;
  Qnn_DeviceHandle_t device = NULL;
  CHECK(qnn.logCreate(remember_log, QNN_LOG_LEVEL_INFO, &log));
  CHECK(qnn.backendCreate(log, NULL, &backend));
  CHECK(qnn.deviceCreate(log, NULL, &device));

  const QnnDevice_PlatformInfo_t* info = NULL;
  CHECK(qnn.deviceGetPlatformInfo(log, &info));
  printf("devices %u\n", info->v1.numHwDevices);
  printf("cores %u\n", info->v1.hwDevices[0].v1.numCores);
  REPORT("freePlatformInfo", qnn.deviceFreePlatformInfo(log, info));

  QnnDevice_Infrastructure_t infra = NULL;
  REPORT("getInfrastructure", qnn.deviceGetInfrastructure(&infra));
  QnnHtpDevice_Infrastructure_t* htp = (QnnHtpDevice_Infrastructure_t*)infra;
  printf("infraType %d\n", (int)htp->infraType);
  QnnHtpDevice_PerfInfrastructure_t perf = htp->perfInfra;
  uint32_t id = 0;
  REPORT("createPowerConfigId_bad_core", perf.createPowerConfigId(0, 7, &id));
  REPORT("createPowerConfigId", perf.createPowerConfigId(0, 0, &id));

  QnnHtpPerfInfrastructure_PowerConfig_t dcvs = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_INIT;
  dcvs.option = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_DCVS_V3;
  dcvs.dcvsV3Config.contextId = id;
  dcvs.dcvsV3Config.setDcvsEnable = 1;
  dcvs.dcvsV3Config.dcvsEnable = 0;
  dcvs.dcvsV3Config.powerMode = QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_PERFORMANCE_MODE;
  dcvs.dcvsV3Config.setSleepLatency = 1;
  dcvs.dcvsV3Config.sleepLatency = 40;
  dcvs.dcvsV3Config.setBusParams = 1;
  dcvs.dcvsV3Config.busVoltageCornerMin = DCVS_VOLTAGE_VCORNER_MAX_VOLTAGE_CORNER;
  dcvs.dcvsV3Config.busVoltageCornerTarget = DCVS_VOLTAGE_VCORNER_MAX_VOLTAGE_CORNER;
  dcvs.dcvsV3Config.busVoltageCornerMax = DCVS_VOLTAGE_VCORNER_MAX_VOLTAGE_CORNER;
  QnnHtpPerfInfrastructure_PowerConfig_t latency = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_INIT;
  latency.option = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_RPC_CONTROL_LATENCY;
  latency.rpcControlLatencyConfig = 100;
  QnnHtpPerfInfrastructure_PowerConfig_t polling = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_INIT;
  polling.option = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_RPC_POLLING_TIME;
  polling.rpcPollingTimeConfig = 9999;
  const QnnHtpPerfInfrastructure_PowerConfig_t* burst[] = {&dcvs, &latency, &polling, NULL};
  REPORT("setPowerConfig", perf.setPowerConfig(id, burst));
  printf("logged_vote %d\n", strstr(last_log, "performance_mode") != NULL && strstr(last_log, "polling time 9999") != NULL);
  polling.rpcPollingTimeConfig = 10000;
  const QnnHtpPerfInfrastructure_PowerConfig_t* too_long[] = {&polling, NULL};
  REPORT("setPowerConfig_polling_too_long", perf.setPowerConfig(id, too_long));
  dcvs.dcvsV3Config.busVoltageCornerTarget = (QnnHtpPerfInfrastructure_VoltageCorner_t)0x33;
  const QnnHtpPerfInfrastructure_PowerConfig_t* bad_corner[] = {&dcvs, NULL};
  REPORT("setPowerConfig_bad_corner", perf.setPowerConfig(id, bad_corner));
  QnnHtpPerfInfrastructure_MemoryConfig_t grow = QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIG_INIT;
  grow.option = QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIGOPTION_GROW_SIZE;
  grow.memGrowSizeConfig = 16u << 20;
  const QnnHtpPerfInfrastructure_MemoryConfig_t* memory[] = {&grow, NULL};
  REPORT("setMemoryConfig", perf.setMemoryConfig(0, 0, memory));
  REPORT("destroyPowerConfigId", perf.destroyPowerConfigId(id));
  REPORT("destroyPowerConfigId_twice", perf.destroyPowerConfigId(id));
  REPORT("setPowerConfig_destroyed", perf.setPowerConfig(id, burst));

  CHECK(qnn.deviceFree(device));
  CHECK(qnn.backendFree(backend));
  CHECK(qnn.logFree(log));
  printf("done 0\n");
  return 0;
}
