// CONNXRuntime: this package's own declarations of the ONNX Runtime C ABI.
//
// Written by the swift-onnxruntime team from the documented ABI (type names, enum values,
// and the order and signatures of the OrtApi function table). It is not the upstream header.
//
// The library is never linked at build time: Swift code dlopen()s libonnxruntime at first use,
// looks up `OrtGetApiBase`, and reads the function table through the types below.
//
// The OrtApi table is append-only. Entries are declared in ABI order up to the newest API version
// we know (CORT_DECLARED_API_VERSION). Slots we do not call are `CORTUnusedSlot` placeholders so
// that every later slot keeps its offset. A runtime reporting API version N fills slots up to N
// only; Swift code checks the negotiated version before touching a newer slot.

#ifndef CONNXRUNTIME_H
#define CONNXRUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The newest OrtApi version whose slots are declared below (ONNX Runtime 1.24).
#define CORT_DECLARED_API_VERSION 24
/// The oldest API version this package accepts (ONNX Runtime 1.16: the first with RunAsync).
#define CORT_MINIMUM_API_VERSION 16

// MARK: - Element and value kinds

typedef enum ONNXTensorElementDataType {
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED = 0,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT = 1,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 = 2,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 = 3,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 = 4,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 = 5,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 = 6,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 = 7,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING = 8,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL = 9,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 = 10,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE = 11,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 = 12,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 = 13,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 = 14,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128 = 15,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 = 16,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN = 17,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ = 18,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2 = 19,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ = 20,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT4 = 21,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4 = 22,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1 = 23,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT2 = 24,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT2 = 25,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E8M0 = 26,
} ONNXTensorElementDataType;

typedef enum ONNXType {
    ONNX_TYPE_UNKNOWN = 0,
    ONNX_TYPE_TENSOR = 1,
    ONNX_TYPE_SEQUENCE = 2,
    ONNX_TYPE_MAP = 3,
    ONNX_TYPE_OPAQUE = 4,
    ONNX_TYPE_SPARSETENSOR = 5,
    ONNX_TYPE_OPTIONAL = 6,
} ONNXType;

typedef enum OrtLoggingLevel {
    ORT_LOGGING_LEVEL_VERBOSE = 0,
    ORT_LOGGING_LEVEL_INFO = 1,
    ORT_LOGGING_LEVEL_WARNING = 2,
    ORT_LOGGING_LEVEL_ERROR = 3,
    ORT_LOGGING_LEVEL_FATAL = 4,
} OrtLoggingLevel;

typedef enum OrtErrorCode {
    ORT_OK = 0,
    ORT_FAIL = 1,
    ORT_INVALID_ARGUMENT = 2,
    ORT_NO_SUCHFILE = 3,
    ORT_NO_MODEL = 4,
    ORT_ENGINE_ERROR = 5,
    ORT_RUNTIME_EXCEPTION = 6,
    ORT_INVALID_PROTOBUF = 7,
    ORT_MODEL_LOADED = 8,
    ORT_NOT_IMPLEMENTED = 9,
    ORT_INVALID_GRAPH = 10,
    ORT_EP_FAIL = 11,
    ORT_MODEL_LOAD_CANCELED = 12,
    ORT_MODEL_REQUIRES_COMPILATION = 13,
    ORT_NOT_FOUND = 14,
} OrtErrorCode;

typedef enum GraphOptimizationLevel {
    ORT_DISABLE_ALL = 0,
    ORT_ENABLE_BASIC = 1,
    ORT_ENABLE_EXTENDED = 2,
    ORT_ENABLE_LAYOUT = 3,
    ORT_ENABLE_ALL = 99,
} GraphOptimizationLevel;

typedef enum ExecutionMode {
    ORT_SEQUENTIAL = 0,
    ORT_PARALLEL = 1,
} ExecutionMode;

typedef enum OrtAllocatorType {
    OrtInvalidAllocator = -1,
    OrtDeviceAllocator = 0,
    OrtArenaAllocator = 1,
} OrtAllocatorType;

typedef enum OrtMemType {
    OrtMemTypeCPUInput = -2,
    OrtMemTypeCPUOutput = -1,
    OrtMemTypeDefault = 0,
} OrtMemType;

// MARK: - Opaque handles (each is released by its matching Release* slot)

typedef struct OrtEnv OrtEnv;
typedef struct OrtStatus OrtStatus;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtIoBinding OrtIoBinding;
typedef struct OrtSession OrtSession;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtMapTypeInfo OrtMapTypeInfo;
typedef struct OrtSequenceTypeInfo OrtSequenceTypeInfo;
typedef struct OrtOptionalTypeInfo OrtOptionalTypeInfo;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtModelMetadata OrtModelMetadata;
typedef struct OrtPrepackedWeightsContainer OrtPrepackedWeightsContainer;
typedef struct OrtLoraAdapter OrtLoraAdapter;
typedef struct OrtKeyValuePairs OrtKeyValuePairs;
typedef struct OrtSyncStream OrtSyncStream;
typedef struct OrtThreadingOptions OrtThreadingOptions;

// MARK: - Model editor handles and kinds (released by ReleaseValueInfo/Node/Graph/Model/OpAttr)

typedef struct OrtValueInfo OrtValueInfo;
typedef struct OrtNode OrtNode;
typedef struct OrtGraph OrtGraph;
typedef struct OrtModel OrtModel;
typedef struct OrtOpAttr OrtOpAttr;
typedef struct OrtModelEditorApi OrtModelEditorApi;

/// The kind of value an operator attribute made by CreateOpAttr holds.
typedef enum OrtOpAttrType {
    ORT_OP_ATTR_UNDEFINED = 0,
    ORT_OP_ATTR_INT = 1,
    ORT_OP_ATTR_INTS = 2,
    ORT_OP_ATTR_FLOAT = 3,
    ORT_OP_ATTR_FLOATS = 4,
    ORT_OP_ATTR_STRING = 5,
    ORT_OP_ATTR_STRINGS = 6,
    ORT_OP_ATTR_GRAPH = 7,
    ORT_OP_ATTR_TENSOR = 8,
} OrtOpAttrType;

/// A memory allocator as ORT sees it. ORT reads only the entries that `version` says exist;
/// entries after `Info` arrived in later API versions.
typedef struct OrtAllocator {
    uint32_t version;
    void *(*Alloc)(struct OrtAllocator *self, size_t byte_count);
    void (*Free)(struct OrtAllocator *self, void *pointer);
    const OrtMemoryInfo *(*Info)(const struct OrtAllocator *self);
    void *(*Reserve)(struct OrtAllocator *self, size_t byte_count);
} OrtAllocator;

/// Receives ORT's log messages when an environment is created with a custom logger.
typedef void (*OrtLoggingFunction)(void *context, OrtLoggingLevel severity, const char *category,
                                   const char *log_id, const char *code_location, const char *message);

/// Called by ORT (on one of its own threads) when a RunAsync call finishes.
typedef void (*OrtRunAsyncCallback)(void *context, OrtValue **outputs, size_t output_count, OrtStatus *status);

// MARK: - Devices and plugin execution providers (API 22+)

typedef struct OrtHardwareDevice OrtHardwareDevice;
typedef struct OrtEpDevice OrtEpDevice;
typedef struct OrtEpAssignedSubgraph OrtEpAssignedSubgraph;
typedef struct OrtEpAssignedNode OrtEpAssignedNode;

/// The kind of a hardware device ORT found.
typedef enum OrtHardwareDeviceType {
    OrtHardwareDeviceType_CPU = 0,
    OrtHardwareDeviceType_GPU = 1,
    OrtHardwareDeviceType_NPU = 2,
} OrtHardwareDeviceType;

/// How ORT picks execution providers and devices by itself.
typedef enum OrtExecutionProviderDevicePolicy {
    OrtExecutionProviderDevicePolicy_DEFAULT = 0,
    OrtExecutionProviderDevicePolicy_PREFER_CPU = 1,
    OrtExecutionProviderDevicePolicy_PREFER_NPU = 2,
    OrtExecutionProviderDevicePolicy_PREFER_GPU = 3,
    OrtExecutionProviderDevicePolicy_MAX_PERFORMANCE = 4,
    OrtExecutionProviderDevicePolicy_MAX_EFFICIENCY = 5,
    OrtExecutionProviderDevicePolicy_MIN_OVERALL_POWER = 6,
} OrtExecutionProviderDevicePolicy;

/// Called by ORT while creating a session to choose devices: fills `selected` with up to `max_selected` of the
/// `device_count` candidates and sets `*selected_count`. Returns NULL, or a status made with CreateStatus on failure.
typedef OrtStatus *(*CORTEpSelectionDelegate)(const OrtEpDevice **devices, size_t device_count,
                                              const OrtKeyValuePairs *model_metadata,
                                              const OrtKeyValuePairs *runtime_metadata,
                                              const OrtEpDevice **selected, size_t max_selected,
                                              size_t *selected_count, void *state);

/// How well a compiled (EPContext) model suits an execution provider's devices (GetModelCompatibilityForEpDevices).
typedef enum OrtCompiledModelCompatibility {
    OrtCompiledModelCompatibility_EP_NOT_APPLICABLE = 0,
    OrtCompiledModelCompatibility_EP_SUPPORTED_OPTIMAL = 1,
    OrtCompiledModelCompatibility_EP_SUPPORTED_PREFER_RECOMPILATION = 2,
    OrtCompiledModelCompatibility_EP_UNSUPPORTED = 3,
} OrtCompiledModelCompatibility;

/// A table slot this package does not call; declared only to keep the offsets of later slots.
typedef void *CORTUnusedSlot;

// MARK: - The function table, in ABI order

typedef struct OrtApi {

    /* ---- slots from API version 1 ---- */
    /*   0 */ OrtStatus * (*CreateStatus)(OrtErrorCode code, const char *message);
    /*   1 */ OrtErrorCode (*GetErrorCode)(const OrtStatus *status);
    /*   2 */ const char * (*GetErrorMessage)(const OrtStatus *status);
    /*   3 */ OrtStatus * (*CreateEnv)(OrtLoggingLevel level, const char *log_id, OrtEnv **out_env);
    /*   4 */ OrtStatus * (*CreateEnvWithCustomLogger)(OrtLoggingFunction sink, void *sink_context, OrtLoggingLevel level, const char *log_id, OrtEnv **out_env);
    /*   5 */ CORTUnusedSlot EnableTelemetryEvents;
    /*   6 */ CORTUnusedSlot DisableTelemetryEvents;
    /*   7 */ OrtStatus * (*CreateSession)(const OrtEnv *env, const char *model_path, const OrtSessionOptions *options, OrtSession **out_session);
    /*   8 */ OrtStatus * (*CreateSessionFromArray)(const OrtEnv *env, const void *model_bytes, size_t model_byte_count, const OrtSessionOptions *options, OrtSession **out_session);
    /*   9 */ OrtStatus * (*Run)(OrtSession *session, const OrtRunOptions *run_options, const char *const *input_names, const OrtValue *const *inputs, size_t input_count, const char *const *output_names, size_t output_count, OrtValue **outputs);
    /*  10 */ OrtStatus * (*CreateSessionOptions)(OrtSessionOptions **out_options);
    /*  11 */ OrtStatus * (*SetOptimizedModelFilePath)(OrtSessionOptions *options, const char *path);
    /*  12 */ OrtStatus * (*CloneSessionOptions)(const OrtSessionOptions *options, OrtSessionOptions **out_options);
    /*  13 */ OrtStatus * (*SetSessionExecutionMode)(OrtSessionOptions *options, ExecutionMode mode);
    /*  14 */ OrtStatus * (*EnableProfiling)(OrtSessionOptions *options, const char *file_prefix);
    /*  15 */ OrtStatus * (*DisableProfiling)(OrtSessionOptions *options);
    /*  16 */ OrtStatus * (*EnableMemPattern)(OrtSessionOptions *options);
    /*  17 */ OrtStatus * (*DisableMemPattern)(OrtSessionOptions *options);
    /*  18 */ OrtStatus * (*EnableCpuMemArena)(OrtSessionOptions *options);
    /*  19 */ OrtStatus * (*DisableCpuMemArena)(OrtSessionOptions *options);
    /*  20 */ OrtStatus * (*SetSessionLogId)(OrtSessionOptions *options, const char *log_id);
    /*  21 */ OrtStatus * (*SetSessionLogVerbosityLevel)(OrtSessionOptions *options, int verbosity);
    /*  22 */ OrtStatus * (*SetSessionLogSeverityLevel)(OrtSessionOptions *options, int severity);
    /*  23 */ OrtStatus * (*SetSessionGraphOptimizationLevel)(OrtSessionOptions *options, GraphOptimizationLevel level);
    /*  24 */ OrtStatus * (*SetIntraOpNumThreads)(OrtSessionOptions *options, int thread_count);
    /*  25 */ OrtStatus * (*SetInterOpNumThreads)(OrtSessionOptions *options, int thread_count);
    /*  26 */ CORTUnusedSlot CreateCustomOpDomain;
    /*  27 */ CORTUnusedSlot CustomOpDomain_Add;
    /*  28 */ CORTUnusedSlot AddCustomOpDomain;
    /*  29 */ CORTUnusedSlot RegisterCustomOpsLibrary;
    /*  30 */ OrtStatus * (*SessionGetInputCount)(const OrtSession *session, size_t *out_count);
    /*  31 */ OrtStatus * (*SessionGetOutputCount)(const OrtSession *session, size_t *out_count);
    /*  32 */ OrtStatus * (*SessionGetOverridableInitializerCount)(const OrtSession *session, size_t *out_count);
    /*  33 */ OrtStatus * (*SessionGetInputTypeInfo)(const OrtSession *session, size_t index, OrtTypeInfo **out_info);
    /*  34 */ OrtStatus * (*SessionGetOutputTypeInfo)(const OrtSession *session, size_t index, OrtTypeInfo **out_info);
    /*  35 */ OrtStatus * (*SessionGetOverridableInitializerTypeInfo)(const OrtSession *session, size_t index, OrtTypeInfo **out_info);
    /*  36 */ OrtStatus * (*SessionGetInputName)(const OrtSession *session, size_t index, OrtAllocator *allocator, char **out_name);
    /*  37 */ OrtStatus * (*SessionGetOutputName)(const OrtSession *session, size_t index, OrtAllocator *allocator, char **out_name);
    /*  38 */ OrtStatus * (*SessionGetOverridableInitializerName)(const OrtSession *session, size_t index, OrtAllocator *allocator, char **out_name);
    /*  39 */ OrtStatus * (*CreateRunOptions)(OrtRunOptions **out_options);
    /*  40 */ OrtStatus * (*RunOptionsSetRunLogVerbosityLevel)(OrtRunOptions *options, int verbosity);
    /*  41 */ OrtStatus * (*RunOptionsSetRunLogSeverityLevel)(OrtRunOptions *options, int severity);
    /*  42 */ OrtStatus * (*RunOptionsSetRunTag)(OrtRunOptions *options, const char *tag);
    /*  43 */ OrtStatus * (*RunOptionsGetRunLogVerbosityLevel)(const OrtRunOptions *options, int *out_verbosity);
    /*  44 */ OrtStatus * (*RunOptionsGetRunLogSeverityLevel)(const OrtRunOptions *options, int *out_severity);
    /*  45 */ OrtStatus * (*RunOptionsGetRunTag)(const OrtRunOptions *options, const char **out_tag);
    /*  46 */ OrtStatus * (*RunOptionsSetTerminate)(OrtRunOptions *options);
    /*  47 */ OrtStatus * (*RunOptionsUnsetTerminate)(OrtRunOptions *options);
    /*  48 */ OrtStatus * (*CreateTensorAsOrtValue)(OrtAllocator *allocator, const int64_t *dims, size_t rank, ONNXTensorElementDataType element_type, OrtValue **out_value);
    /*  49 */ OrtStatus * (*CreateTensorWithDataAsOrtValue)(const OrtMemoryInfo *memory_info, void *data, size_t byte_count, const int64_t *dims, size_t rank, ONNXTensorElementDataType element_type, OrtValue **out_value);
    /*  50 */ OrtStatus * (*IsTensor)(const OrtValue *value, int *out_is_tensor);
    /*  51 */ OrtStatus * (*GetTensorMutableData)(OrtValue *value, void **out_data);
    /*  52 */ OrtStatus * (*FillStringTensor)(OrtValue *value, const char *const *strings, size_t string_count);
    /*  53 */ OrtStatus * (*GetStringTensorDataLength)(const OrtValue *value, size_t *out_byte_count);
    /*  54 */ OrtStatus * (*GetStringTensorContent)(const OrtValue *value, void *bytes, size_t byte_count, size_t *offsets, size_t offset_count);
    /*  55 */ OrtStatus * (*CastTypeInfoToTensorInfo)(const OrtTypeInfo *info, const OrtTensorTypeAndShapeInfo **out_tensor_info);
    /*  56 */ OrtStatus * (*GetOnnxTypeFromTypeInfo)(const OrtTypeInfo *info, ONNXType *out_type);
    /*  57 */ OrtStatus * (*CreateTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo **out_info);
    /*  58 */ OrtStatus * (*SetTensorElementType)(OrtTensorTypeAndShapeInfo *info, ONNXTensorElementDataType element_type);
    /*  59 */ OrtStatus * (*SetDimensions)(OrtTensorTypeAndShapeInfo *info, const int64_t *dims, size_t rank);
    /*  60 */ OrtStatus * (*GetTensorElementType)(const OrtTensorTypeAndShapeInfo *info, ONNXTensorElementDataType *out_type);
    /*  61 */ OrtStatus * (*GetDimensionsCount)(const OrtTensorTypeAndShapeInfo *info, size_t *out_rank);
    /*  62 */ OrtStatus * (*GetDimensions)(const OrtTensorTypeAndShapeInfo *info, int64_t *dims, size_t rank);
    /*  63 */ OrtStatus * (*GetSymbolicDimensions)(const OrtTensorTypeAndShapeInfo *info, const char **dim_names, size_t rank);
    /*  64 */ OrtStatus * (*GetTensorShapeElementCount)(const OrtTensorTypeAndShapeInfo *info, size_t *out_count);
    /*  65 */ OrtStatus * (*GetTensorTypeAndShape)(const OrtValue *value, OrtTensorTypeAndShapeInfo **out_info);
    /*  66 */ OrtStatus * (*GetTypeInfo)(const OrtValue *value, OrtTypeInfo **out_info);
    /*  67 */ OrtStatus * (*GetValueType)(const OrtValue *value, ONNXType *out_type);
    /*  68 */ OrtStatus * (*CreateMemoryInfo)(const char *name, OrtAllocatorType allocator_type, int device_id, OrtMemType memory_type, OrtMemoryInfo **out_info);
    /*  69 */ OrtStatus * (*CreateCpuMemoryInfo)(OrtAllocatorType allocator_type, OrtMemType memory_type, OrtMemoryInfo **out_info);
    /*  70 */ CORTUnusedSlot CompareMemoryInfo;
    /*  71 */ CORTUnusedSlot MemoryInfoGetName;
    /*  72 */ CORTUnusedSlot MemoryInfoGetId;
    /*  73 */ CORTUnusedSlot MemoryInfoGetMemType;
    /*  74 */ CORTUnusedSlot MemoryInfoGetType;
    /*  75 */ CORTUnusedSlot AllocatorAlloc;
    /*  76 */ OrtStatus * (*AllocatorFree)(OrtAllocator *allocator, void *pointer);
    /*  77 */ CORTUnusedSlot AllocatorGetInfo;
    /*  78 */ OrtStatus * (*GetAllocatorWithDefaultOptions)(OrtAllocator **out_allocator);
    /*  79 */ OrtStatus * (*AddFreeDimensionOverride)(OrtSessionOptions *options, const char *denotation, int64_t value);
    /*  80 */ OrtStatus * (*GetValue)(const OrtValue *container, int index, OrtAllocator *allocator, OrtValue **out_value);
    /*  81 */ OrtStatus * (*GetValueCount)(const OrtValue *container, size_t *out_count);
    /*  82 */ OrtStatus * (*CreateValue)(const OrtValue *const *parts, size_t part_count, ONNXType container_type, OrtValue **out_value);
    /*  83 */ CORTUnusedSlot CreateOpaqueValue;
    /*  84 */ CORTUnusedSlot GetOpaqueValue;
    /*  85 */ CORTUnusedSlot KernelInfoGetAttribute_float;
    /*  86 */ CORTUnusedSlot KernelInfoGetAttribute_int64;
    /*  87 */ CORTUnusedSlot KernelInfoGetAttribute_string;
    /*  88 */ CORTUnusedSlot KernelContext_GetInputCount;
    /*  89 */ CORTUnusedSlot KernelContext_GetOutputCount;
    /*  90 */ CORTUnusedSlot KernelContext_GetInput;
    /*  91 */ CORTUnusedSlot KernelContext_GetOutput;
    /*  92 */ void (*ReleaseEnv)(OrtEnv *env);
    /*  93 */ void (*ReleaseStatus)(OrtStatus *status);
    /*  94 */ void (*ReleaseMemoryInfo)(OrtMemoryInfo *info);
    /*  95 */ void (*ReleaseSession)(OrtSession *session);
    /*  96 */ void (*ReleaseValue)(OrtValue *value);
    /*  97 */ void (*ReleaseRunOptions)(OrtRunOptions *options);
    /*  98 */ void (*ReleaseTypeInfo)(OrtTypeInfo *info);
    /*  99 */ void (*ReleaseTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo *info);
    /* 100 */ void (*ReleaseSessionOptions)(OrtSessionOptions *options);
    /* 101 */ CORTUnusedSlot ReleaseCustomOpDomain;
    /* 102 */ OrtStatus * (*GetDenotationFromTypeInfo)(const OrtTypeInfo *info, const char **out_denotation, size_t *out_length);
    /* 103 */ OrtStatus * (*CastTypeInfoToMapTypeInfo)(const OrtTypeInfo *info, const OrtMapTypeInfo **out_map_info);
    /* 104 */ OrtStatus * (*CastTypeInfoToSequenceTypeInfo)(const OrtTypeInfo *info, const OrtSequenceTypeInfo **out_sequence_info);
    /* 105 */ OrtStatus * (*GetMapKeyType)(const OrtMapTypeInfo *info, ONNXTensorElementDataType *out_key_type);
    /* 106 */ OrtStatus * (*GetMapValueType)(const OrtMapTypeInfo *info, OrtTypeInfo **out_value_info);
    /* 107 */ OrtStatus * (*GetSequenceElementType)(const OrtSequenceTypeInfo *info, OrtTypeInfo **out_element_info);
    /* 108 */ CORTUnusedSlot ReleaseMapTypeInfo;
    /* 109 */ CORTUnusedSlot ReleaseSequenceTypeInfo;
    /* 110 */ OrtStatus * (*SessionEndProfiling)(OrtSession *session, OrtAllocator *allocator, char **out_path);
    /* 111 */ OrtStatus * (*SessionGetModelMetadata)(const OrtSession *session, OrtModelMetadata **out_metadata);
    /* 112 */ OrtStatus * (*ModelMetadataGetProducerName)(const OrtModelMetadata *metadata, OrtAllocator *allocator, char **out_text);
    /* 113 */ OrtStatus * (*ModelMetadataGetGraphName)(const OrtModelMetadata *metadata, OrtAllocator *allocator, char **out_text);
    /* 114 */ OrtStatus * (*ModelMetadataGetDomain)(const OrtModelMetadata *metadata, OrtAllocator *allocator, char **out_text);
    /* 115 */ OrtStatus * (*ModelMetadataGetDescription)(const OrtModelMetadata *metadata, OrtAllocator *allocator, char **out_text);
    /* 116 */ OrtStatus * (*ModelMetadataLookupCustomMetadataMap)(const OrtModelMetadata *metadata, OrtAllocator *allocator, const char *key, char **out_value);
    /* 117 */ OrtStatus * (*ModelMetadataGetVersion)(const OrtModelMetadata *metadata, int64_t *out_version);
    /* 118 */ void (*ReleaseModelMetadata)(OrtModelMetadata *metadata);
    /* 119 */ OrtStatus * (*CreateEnvWithGlobalThreadPools)(OrtLoggingLevel log_severity_level, const char *log_id, const OrtThreadingOptions *tp_options, OrtEnv **out);
    /* 120 */ OrtStatus * (*DisablePerSessionThreads)(OrtSessionOptions *options);
    /* 121 */ OrtStatus * (*CreateThreadingOptions)(OrtThreadingOptions **out);
    /* 122 */ void (*ReleaseThreadingOptions)(OrtThreadingOptions *input);
    /* 123 */ OrtStatus * (*ModelMetadataGetCustomMetadataMapKeys)(const OrtModelMetadata *metadata, OrtAllocator *allocator, char ***out_keys, int64_t *out_key_count);
    /* 124 */ OrtStatus * (*AddFreeDimensionOverrideByName)(OrtSessionOptions *options, const char *dim_name, int64_t value);
    /* 125 */ OrtStatus * (*GetAvailableProviders)(char ***out_names, int *out_count);
    /* 126 */ OrtStatus * (*ReleaseAvailableProviders)(char **names, int count);
    /* 127 */ OrtStatus * (*GetStringTensorElementLength)(const OrtValue *value, size_t index, size_t *out_byte_count);
    /* 128 */ OrtStatus * (*GetStringTensorElement)(const OrtValue *value, size_t byte_count, size_t index, void *bytes);
    /* 129 */ CORTUnusedSlot FillStringTensorElement;
    /* 130 */ OrtStatus * (*AddSessionConfigEntry)(OrtSessionOptions *options, const char *key, const char *value);
    /* 131 */ CORTUnusedSlot CreateAllocator;
    /* 132 */ CORTUnusedSlot ReleaseAllocator;
    /* 133 */ OrtStatus * (*RunWithBinding)(OrtSession *session, const OrtRunOptions *run_options, const OrtIoBinding *binding);
    /* 134 */ OrtStatus * (*CreateIoBinding)(OrtSession *session, OrtIoBinding **out_binding);
    /* 135 */ void (*ReleaseIoBinding)(OrtIoBinding *binding);
    /* 136 */ OrtStatus * (*BindInput)(OrtIoBinding *binding, const char *name, const OrtValue *value);
    /* 137 */ OrtStatus * (*BindOutput)(OrtIoBinding *binding, const char *name, const OrtValue *value);
    /* 138 */ OrtStatus * (*BindOutputToDevice)(OrtIoBinding *binding, const char *name, const OrtMemoryInfo *memory_info);
    /* 139 */ OrtStatus * (*GetBoundOutputNames)(const OrtIoBinding *binding, OrtAllocator *allocator, char **out_buffer, size_t **out_lengths, size_t *out_count);
    /* 140 */ OrtStatus * (*GetBoundOutputValues)(const OrtIoBinding *binding, OrtAllocator *allocator, OrtValue ***out_values, size_t *out_count);
    /* 141 */ void (*ClearBoundInputs)(OrtIoBinding *binding);
    /* 142 */ void (*ClearBoundOutputs)(OrtIoBinding *binding);
    /* 143 */ CORTUnusedSlot TensorAt;
    /* 144 */ CORTUnusedSlot CreateAndRegisterAllocator;
    /* 145 */ CORTUnusedSlot SetLanguageProjection;
    /* 146 */ OrtStatus * (*SessionGetProfilingStartTimeNs)(const OrtSession *session, uint64_t *out_ns);
    /* 147 */ OrtStatus * (*SetGlobalIntraOpNumThreads)(OrtThreadingOptions *tp_options, int intra_op_num_threads);
    /* 148 */ OrtStatus * (*SetGlobalInterOpNumThreads)(OrtThreadingOptions *tp_options, int inter_op_num_threads);
    /* 149 */ OrtStatus * (*SetGlobalSpinControl)(OrtThreadingOptions *tp_options, int allow_spinning);
    /* 150 */ OrtStatus * (*AddInitializer)(OrtSessionOptions *options, const char *name, const OrtValue *value);
    /* 151 */ OrtStatus * (*CreateEnvWithCustomLoggerAndGlobalThreadPools)(OrtLoggingFunction logging_function, void *logger_param, OrtLoggingLevel log_severity_level, const char *log_id, const OrtThreadingOptions *tp_options, OrtEnv **out);
    /* 152 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_CUDA;
    /* 153 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_ROCM;
    /* 154 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_OpenVINO;
    /* 155 */ OrtStatus * (*SetGlobalDenormalAsZero)(OrtThreadingOptions *tp_options);
    /* 156 */ CORTUnusedSlot CreateArenaCfg;
    /* 157 */ CORTUnusedSlot ReleaseArenaCfg;
    /* 158 */ OrtStatus * (*ModelMetadataGetGraphDescription)(const OrtModelMetadata *metadata, OrtAllocator *allocator, char **out_text);
    /* 159 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_TensorRT;
    /* 160 */ CORTUnusedSlot SetCurrentGpuDeviceId;
    /* 161 */ CORTUnusedSlot GetCurrentGpuDeviceId;
    /* 162 */ CORTUnusedSlot KernelInfoGetAttributeArray_float;
    /* 163 */ CORTUnusedSlot KernelInfoGetAttributeArray_int64;
    /* 164 */ CORTUnusedSlot CreateArenaCfgV2;
    /* 165 */ OrtStatus * (*AddRunConfigEntry)(OrtRunOptions *options, const char *key, const char *value);
    /* 166 */ OrtStatus * (*CreatePrepackedWeightsContainer)(OrtPrepackedWeightsContainer **out_container);
    /* 167 */ void (*ReleasePrepackedWeightsContainer)(OrtPrepackedWeightsContainer *container);
    /* 168 */ OrtStatus * (*CreateSessionWithPrepackedWeightsContainer)(const OrtEnv *env, const char *model_path, const OrtSessionOptions *options, OrtPrepackedWeightsContainer *container, OrtSession **out_session);
    /* 169 */ OrtStatus * (*CreateSessionFromArrayWithPrepackedWeightsContainer)(const OrtEnv *env, const void *model_bytes, size_t model_byte_count, const OrtSessionOptions *options, OrtPrepackedWeightsContainer *container, OrtSession **out_session);
    /* 170 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_TensorRT_V2;
    /* 171 */ CORTUnusedSlot CreateTensorRTProviderOptions;
    /* 172 */ CORTUnusedSlot UpdateTensorRTProviderOptions;
    /* 173 */ CORTUnusedSlot GetTensorRTProviderOptionsAsString;
    /* 174 */ CORTUnusedSlot ReleaseTensorRTProviderOptions;
    /* 175 */ CORTUnusedSlot EnableOrtCustomOps;
    /* 176 */ CORTUnusedSlot RegisterAllocator;
    /* 177 */ CORTUnusedSlot UnregisterAllocator;
    /* 178 */ CORTUnusedSlot IsSparseTensor;
    /* 179 */ CORTUnusedSlot CreateSparseTensorAsOrtValue;
    /* 180 */ CORTUnusedSlot FillSparseTensorCoo;
    /* 181 */ CORTUnusedSlot FillSparseTensorCsr;
    /* 182 */ CORTUnusedSlot FillSparseTensorBlockSparse;
    /* 183 */ CORTUnusedSlot CreateSparseTensorWithValuesAsOrtValue;
    /* 184 */ CORTUnusedSlot UseCooIndices;
    /* 185 */ CORTUnusedSlot UseCsrIndices;
    /* 186 */ CORTUnusedSlot UseBlockSparseIndices;
    /* 187 */ CORTUnusedSlot GetSparseTensorFormat;
    /* 188 */ CORTUnusedSlot GetSparseTensorValuesTypeAndShape;
    /* 189 */ CORTUnusedSlot GetSparseTensorValues;
    /* 190 */ CORTUnusedSlot GetSparseTensorIndicesTypeShape;
    /* 191 */ CORTUnusedSlot GetSparseTensorIndices;
    /* 192 */ OrtStatus * (*HasValue)(const OrtValue *value, int *out_has_value);
    /* 193 */ CORTUnusedSlot KernelContext_GetGPUComputeStream;
    /* 194 */ OrtStatus * (*GetTensorMemoryInfo)(const OrtValue *value, const OrtMemoryInfo **out_info);
    /* 195 */ CORTUnusedSlot GetExecutionProviderApi;
    /* 196 */ CORTUnusedSlot SessionOptionsSetCustomCreateThreadFn;
    /* 197 */ CORTUnusedSlot SessionOptionsSetCustomThreadCreationOptions;
    /* 198 */ CORTUnusedSlot SessionOptionsSetCustomJoinThreadFn;
    /* 199 */ CORTUnusedSlot SetGlobalCustomCreateThreadFn;
    /* 200 */ CORTUnusedSlot SetGlobalCustomThreadCreationOptions;
    /* 201 */ CORTUnusedSlot SetGlobalCustomJoinThreadFn;
    /* 202 */ CORTUnusedSlot SynchronizeBoundInputs;
    /* 203 */ CORTUnusedSlot SynchronizeBoundOutputs;

    /* ---- slots from API version 11 ---- */
    /* 204 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_CUDA_V2;
    /* 205 */ CORTUnusedSlot CreateCUDAProviderOptions;
    /* 206 */ CORTUnusedSlot UpdateCUDAProviderOptions;
    /* 207 */ CORTUnusedSlot GetCUDAProviderOptionsAsString;
    /* 208 */ CORTUnusedSlot ReleaseCUDAProviderOptions;
    /* 209 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_MIGraphX;

    /* ---- slots from API version 12 ---- */
    /* 210 */ OrtStatus * (*AddExternalInitializers)(OrtSessionOptions *options, const char *const *names, const OrtValue *const *values, size_t count);
    /* 211 */ OrtStatus * (*CreateOpAttr)(const char *name, const void *data, int count, OrtOpAttrType kind, OrtOpAttr **out_attribute);
    /* 212 */ void (*ReleaseOpAttr)(OrtOpAttr *attribute);
    /* 213 */ CORTUnusedSlot CreateOp;
    /* 214 */ CORTUnusedSlot InvokeOp;
    /* 215 */ CORTUnusedSlot ReleaseOp;
    /* 216 */ OrtStatus * (*SessionOptionsAppendExecutionProvider)(OrtSessionOptions *options, const char *provider_name, const char *const *option_keys, const char *const *option_values, size_t option_count);
    /* 217 */ CORTUnusedSlot CopyKernelInfo;
    /* 218 */ CORTUnusedSlot ReleaseKernelInfo;

    /* ---- slots from API version 13 ---- */
    /* 219 */ CORTUnusedSlot GetTrainingApi;
    /* 220 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_CANN;
    /* 221 */ CORTUnusedSlot CreateCANNProviderOptions;
    /* 222 */ CORTUnusedSlot UpdateCANNProviderOptions;
    /* 223 */ CORTUnusedSlot GetCANNProviderOptionsAsString;
    /* 224 */ CORTUnusedSlot ReleaseCANNProviderOptions;

    /* ---- slots from API version 14 ---- */
    /* 225 */ CORTUnusedSlot MemoryInfoGetDeviceType;
    /* 226 */ OrtStatus * (*UpdateEnvWithCustomLogLevel)(OrtEnv *env, OrtLoggingLevel level);
    /* 227 */ OrtStatus * (*SetGlobalIntraOpThreadAffinity)(OrtThreadingOptions *tp_options, const char *affinity_string);
    /* 228 */ OrtStatus * (*RegisterCustomOpsLibrary_V2)(OrtSessionOptions *options, const char *library_path);
    /* 229 */ CORTUnusedSlot RegisterCustomOpsUsingFunction;
    /* 230 */ CORTUnusedSlot KernelInfo_GetInputCount;
    /* 231 */ CORTUnusedSlot KernelInfo_GetOutputCount;
    /* 232 */ CORTUnusedSlot KernelInfo_GetInputName;
    /* 233 */ CORTUnusedSlot KernelInfo_GetOutputName;
    /* 234 */ CORTUnusedSlot KernelInfo_GetInputTypeInfo;
    /* 235 */ CORTUnusedSlot KernelInfo_GetOutputTypeInfo;
    /* 236 */ CORTUnusedSlot KernelInfoGetAttribute_tensor;
    /* 237 */ OrtStatus * (*HasSessionConfigEntry)(const OrtSessionOptions *options, const char *key, int *out_present);
    /* 238 */ OrtStatus * (*GetSessionConfigEntry)(const OrtSessionOptions *options, const char *key, char *out_value, size_t *inout_size);

    /* ---- slots from API version 15 ---- */
    /* 239 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_Dnnl;
    /* 240 */ CORTUnusedSlot CreateDnnlProviderOptions;
    /* 241 */ CORTUnusedSlot UpdateDnnlProviderOptions;
    /* 242 */ CORTUnusedSlot GetDnnlProviderOptionsAsString;
    /* 243 */ CORTUnusedSlot ReleaseDnnlProviderOptions;
    /* 244 */ CORTUnusedSlot KernelInfo_GetNodeName;
    /* 245 */ CORTUnusedSlot KernelInfo_GetLogger;
    /* 246 */ CORTUnusedSlot KernelContext_GetLogger;
    /* 247 */ CORTUnusedSlot Logger_LogMessage;
    /* 248 */ CORTUnusedSlot Logger_GetLoggingSeverityLevel;
    /* 249 */ CORTUnusedSlot KernelInfoGetConstantInput_tensor;
    /* 250 */ OrtStatus * (*CastTypeInfoToOptionalTypeInfo)(const OrtTypeInfo *info, const OrtOptionalTypeInfo **out_optional_info);
    /* 251 */ OrtStatus * (*GetOptionalContainedTypeInfo)(const OrtOptionalTypeInfo *info, OrtTypeInfo **out_contained_info);
    /* 252 */ OrtStatus * (*GetResizedStringTensorElementBuffer)(OrtValue *value, size_t index, size_t byte_count, char **out_buffer);
    /* 253 */ CORTUnusedSlot KernelContext_GetAllocator;
    /* 254 */ const char * (*GetBuildInfoString)(void);

    /* ---- slots from API version 16 ---- */
    /* 255 */ CORTUnusedSlot CreateROCMProviderOptions;
    /* 256 */ CORTUnusedSlot UpdateROCMProviderOptions;
    /* 257 */ CORTUnusedSlot GetROCMProviderOptionsAsString;
    /* 258 */ CORTUnusedSlot ReleaseROCMProviderOptions;
    /* 259 */ CORTUnusedSlot CreateAndRegisterAllocatorV2;
    /* 260 */ OrtStatus * (*RunAsync)(OrtSession *session, const OrtRunOptions *run_options, const char *const *input_names, const OrtValue *const *inputs, size_t input_count, const char *const *output_names, size_t output_count, OrtValue **outputs, OrtRunAsyncCallback callback, void *callback_context);
    /* 261 */ CORTUnusedSlot UpdateTensorRTProviderOptionsWithValue;
    /* 262 */ CORTUnusedSlot GetTensorRTProviderOptionsByName;
    /* 263 */ CORTUnusedSlot UpdateCUDAProviderOptionsWithValue;
    /* 264 */ CORTUnusedSlot GetCUDAProviderOptionsByName;
    /* 265 */ CORTUnusedSlot KernelContext_GetResource;

    /* ---- slots from API version 17 ---- */
    /* 266 */ OrtStatus * (*SetUserLoggingFunction)(OrtSessionOptions *options, OrtLoggingFunction sink, void *sink_context);
    /* 267 */ CORTUnusedSlot ShapeInferContext_GetInputCount;
    /* 268 */ CORTUnusedSlot ShapeInferContext_GetInputTypeShape;
    /* 269 */ CORTUnusedSlot ShapeInferContext_GetAttribute;
    /* 270 */ CORTUnusedSlot ShapeInferContext_SetOutputTypeShape;
    /* 271 */ OrtStatus * (*SetSymbolicDimensions)(OrtTensorTypeAndShapeInfo *info, const char **dim_names, size_t rank);
    /* 272 */ CORTUnusedSlot ReadOpAttr;
    /* 273 */ OrtStatus * (*SetDeterministicCompute)(OrtSessionOptions *options, bool enabled);
    /* 274 */ CORTUnusedSlot KernelContext_ParallelFor;
    /* 275 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_OpenVINO_V2;

    /* ---- slots from API version 18 ---- */
    /* 276 */ CORTUnusedSlot SessionOptionsAppendExecutionProvider_VitisAI;
    /* 277 */ CORTUnusedSlot KernelContext_GetScratchBuffer;
    /* 278 */ CORTUnusedSlot KernelInfoGetAllocator;
    /* 279 */ OrtStatus * (*AddExternalInitializersFromFilesInMemory)(OrtSessionOptions *options, const char *const *file_names, char *const *file_buffers, const size_t *file_lengths, size_t file_count);

    /* ---- slots from API version 20 ---- */
    /* 280 */ OrtStatus * (*CreateLoraAdapter)(const char *adapter_path, OrtAllocator *allocator, OrtLoraAdapter **out_adapter);
    /* 281 */ OrtStatus * (*CreateLoraAdapterFromArray)(const void *bytes, size_t byte_count, OrtAllocator *allocator, OrtLoraAdapter **out_adapter);
    /* 282 */ void (*ReleaseLoraAdapter)(OrtLoraAdapter *adapter);
    /* 283 */ OrtStatus * (*RunOptionsAddActiveLoraAdapter)(OrtRunOptions *options, const OrtLoraAdapter *adapter);
    /* 284 */ CORTUnusedSlot SetEpDynamicOptions;

    /* ---- slots from API version 22 ---- */
    /* 285 */ void (*ReleaseValueInfo)(OrtValueInfo *info);
    /* 286 */ void (*ReleaseNode)(OrtNode *node);
    /* 287 */ void (*ReleaseGraph)(OrtGraph *graph);
    /* 288 */ void (*ReleaseModel)(OrtModel *model);
    /* 289 */ CORTUnusedSlot GetValueInfoName;
    /* 290 */ CORTUnusedSlot GetValueInfoTypeInfo;
    /* 291 */ const OrtModelEditorApi * (*GetModelEditorApi)(void);
    /* 292 */ OrtStatus * (*CreateTensorWithDataAndDeleterAsOrtValue)(OrtAllocator *deleter, void *data, size_t byte_count, const int64_t *dims, size_t rank, ONNXTensorElementDataType element_type, OrtValue **out_value);
    /* 293 */ OrtStatus * (*SessionOptionsSetLoadCancellationFlag)(OrtSessionOptions *options, bool cancel);
    /* 294 */ const struct OrtCompileApi * (*GetCompileApi)(void);
    /* 295 */ CORTUnusedSlot CreateKeyValuePairs;
    /* 296 */ CORTUnusedSlot AddKeyValuePair;
    /* 297 */ CORTUnusedSlot GetKeyValue;
    /* 298 */ void (*GetKeyValuePairs)(const OrtKeyValuePairs *pairs, const char *const **out_keys, const char *const **out_values, size_t *out_count);
    /* 299 */ CORTUnusedSlot RemoveKeyValuePair;
    /* 300 */ CORTUnusedSlot ReleaseKeyValuePairs;
    /* 301 */ OrtStatus * (*RegisterExecutionProviderLibrary)(OrtEnv *env, const char *registration_name, const char *path);
    /* 302 */ OrtStatus * (*UnregisterExecutionProviderLibrary)(OrtEnv *env, const char *registration_name);
    /* 303 */ OrtStatus * (*GetEpDevices)(const OrtEnv *env, const OrtEpDevice *const **out_devices, size_t *out_count);
    /* 304 */ OrtStatus * (*SessionOptionsAppendExecutionProvider_V2)(OrtSessionOptions *options, OrtEnv *env, const OrtEpDevice *const *devices, size_t device_count, const char *const *option_keys, const char *const *option_values, size_t option_count);
    /* 305 */ OrtStatus * (*SessionOptionsSetEpSelectionPolicy)(OrtSessionOptions *options, OrtExecutionProviderDevicePolicy policy);
    /* 306 */ OrtStatus * (*SessionOptionsSetEpSelectionPolicyDelegate)(OrtSessionOptions *options, CORTEpSelectionDelegate delegate, void *state);
    /* 307 */ OrtHardwareDeviceType (*HardwareDevice_Type)(const OrtHardwareDevice *device);
    /* 308 */ uint32_t (*HardwareDevice_VendorId)(const OrtHardwareDevice *device);
    /* 309 */ const char * (*HardwareDevice_Vendor)(const OrtHardwareDevice *device);
    /* 310 */ uint32_t (*HardwareDevice_DeviceId)(const OrtHardwareDevice *device);
    /* 311 */ const OrtKeyValuePairs * (*HardwareDevice_Metadata)(const OrtHardwareDevice *device);
    /* 312 */ const char * (*EpDevice_EpName)(const OrtEpDevice *device);
    /* 313 */ const char * (*EpDevice_EpVendor)(const OrtEpDevice *device);
    /* 314 */ const OrtKeyValuePairs * (*EpDevice_EpMetadata)(const OrtEpDevice *device);
    /* 315 */ const OrtKeyValuePairs * (*EpDevice_EpOptions)(const OrtEpDevice *device);
    /* 316 */ const OrtHardwareDevice * (*EpDevice_Device)(const OrtEpDevice *device);
    /* 317 */ CORTUnusedSlot GetEpApi;

    /* ---- slots from API version 23 ---- */
    /* 318 */ OrtStatus * (*GetTensorSizeInBytes)(const OrtValue *value, size_t *out_byte_count);
    /* 319 */ CORTUnusedSlot AllocatorGetStats;
    /* 320 */ CORTUnusedSlot CreateMemoryInfo_V2;
    /* 321 */ CORTUnusedSlot MemoryInfoGetDeviceMemType;
    /* 322 */ CORTUnusedSlot MemoryInfoGetVendorId;
    /* 323 */ CORTUnusedSlot ValueInfo_GetValueProducer;
    /* 324 */ CORTUnusedSlot ValueInfo_GetValueNumConsumers;
    /* 325 */ CORTUnusedSlot ValueInfo_GetValueConsumers;
    /* 326 */ CORTUnusedSlot ValueInfo_GetInitializerValue;
    /* 327 */ CORTUnusedSlot ValueInfo_GetExternalInitializerInfo;
    /* 328 */ CORTUnusedSlot ValueInfo_IsRequiredGraphInput;
    /* 329 */ CORTUnusedSlot ValueInfo_IsOptionalGraphInput;
    /* 330 */ CORTUnusedSlot ValueInfo_IsGraphOutput;
    /* 331 */ CORTUnusedSlot ValueInfo_IsConstantInitializer;
    /* 332 */ CORTUnusedSlot ValueInfo_IsFromOuterScope;
    /* 333 */ CORTUnusedSlot Graph_GetName;
    /* 334 */ CORTUnusedSlot Graph_GetModelPath;
    /* 335 */ CORTUnusedSlot Graph_GetOnnxIRVersion;
    /* 336 */ CORTUnusedSlot Graph_GetNumOperatorSets;
    /* 337 */ CORTUnusedSlot Graph_GetOperatorSets;
    /* 338 */ CORTUnusedSlot Graph_GetNumInputs;
    /* 339 */ CORTUnusedSlot Graph_GetInputs;
    /* 340 */ CORTUnusedSlot Graph_GetNumOutputs;
    /* 341 */ CORTUnusedSlot Graph_GetOutputs;
    /* 342 */ CORTUnusedSlot Graph_GetNumInitializers;
    /* 343 */ CORTUnusedSlot Graph_GetInitializers;
    /* 344 */ CORTUnusedSlot Graph_GetNumNodes;
    /* 345 */ CORTUnusedSlot Graph_GetNodes;
    /* 346 */ CORTUnusedSlot Graph_GetParentNode;
    /* 347 */ CORTUnusedSlot Graph_GetGraphView;
    /* 348 */ CORTUnusedSlot Node_GetId;
    /* 349 */ CORTUnusedSlot Node_GetName;
    /* 350 */ CORTUnusedSlot Node_GetOperatorType;
    /* 351 */ CORTUnusedSlot Node_GetDomain;
    /* 352 */ CORTUnusedSlot Node_GetSinceVersion;
    /* 353 */ CORTUnusedSlot Node_GetNumInputs;
    /* 354 */ CORTUnusedSlot Node_GetInputs;
    /* 355 */ CORTUnusedSlot Node_GetNumOutputs;
    /* 356 */ CORTUnusedSlot Node_GetOutputs;
    /* 357 */ CORTUnusedSlot Node_GetNumImplicitInputs;
    /* 358 */ CORTUnusedSlot Node_GetImplicitInputs;
    /* 359 */ CORTUnusedSlot Node_GetNumAttributes;
    /* 360 */ CORTUnusedSlot Node_GetAttributes;
    /* 361 */ CORTUnusedSlot Node_GetAttributeByName;
    /* 362 */ CORTUnusedSlot OpAttr_GetTensorAttributeAsOrtValue;
    /* 363 */ CORTUnusedSlot OpAttr_GetType;
    /* 364 */ CORTUnusedSlot OpAttr_GetName;
    /* 365 */ CORTUnusedSlot Node_GetNumSubgraphs;
    /* 366 */ CORTUnusedSlot Node_GetSubgraphs;
    /* 367 */ CORTUnusedSlot Node_GetGraph;
    /* 368 */ CORTUnusedSlot Node_GetEpName;
    /* 369 */ CORTUnusedSlot ReleaseExternalInitializerInfo;
    /* 370 */ CORTUnusedSlot ExternalInitializerInfo_GetFilePath;
    /* 371 */ CORTUnusedSlot ExternalInitializerInfo_GetFileOffset;
    /* 372 */ CORTUnusedSlot ExternalInitializerInfo_GetByteSize;
    /* 373 */ const char * (*GetRunConfigEntry)(const OrtRunOptions *options, const char *key);
    /* 374 */ CORTUnusedSlot EpDevice_MemoryInfo;
    /* 375 */ CORTUnusedSlot CreateSharedAllocator;
    /* 376 */ CORTUnusedSlot GetSharedAllocator;
    /* 377 */ CORTUnusedSlot ReleaseSharedAllocator;
    /* 378 */ OrtStatus * (*GetTensorData)(const OrtValue *value, const void **out_data);
    /* 379 */ CORTUnusedSlot GetSessionOptionsConfigEntries;
    /* 380 */ CORTUnusedSlot SessionGetMemoryInfoForInputs;
    /* 381 */ CORTUnusedSlot SessionGetMemoryInfoForOutputs;
    /* 382 */ CORTUnusedSlot SessionGetEpDeviceForInputs;
    /* 383 */ CORTUnusedSlot CreateSyncStreamForEpDevice;
    /* 384 */ CORTUnusedSlot SyncStream_GetHandle;
    /* 385 */ CORTUnusedSlot ReleaseSyncStream;
    /* 386 */ CORTUnusedSlot CopyTensors;
    /* 387 */ CORTUnusedSlot Graph_GetModelMetadata;
    /* 388 */ OrtStatus * (*GetModelCompatibilityForEpDevices)(const OrtEpDevice *const *devices, size_t device_count, const char *compatibility_info, OrtCompiledModelCompatibility *out_compatibility);
    /* 389 */ CORTUnusedSlot CreateExternalInitializerInfo;

    /* ---- slots from API version 24 ---- */
    /* 390 */ CORTUnusedSlot TensorTypeAndShape_HasShape;
    /* 391 */ CORTUnusedSlot KernelInfo_GetConfigEntries;
    /* 392 */ CORTUnusedSlot KernelInfo_GetOperatorDomain;
    /* 393 */ CORTUnusedSlot KernelInfo_GetOperatorType;
    /* 394 */ CORTUnusedSlot KernelInfo_GetOperatorSinceVersion;
    /* 395 */ CORTUnusedSlot GetInteropApi;
    /* 396 */ CORTUnusedSlot SessionGetEpDeviceForOutputs;
    /* 397 */ CORTUnusedSlot GetNumHardwareDevices;
    /* 398 */ CORTUnusedSlot GetHardwareDevices;
    /* 399 */ CORTUnusedSlot GetHardwareDeviceEpIncompatibilityDetails;
    /* 400 */ CORTUnusedSlot DeviceEpIncompatibilityDetails_GetReasonsBitmask;
    /* 401 */ CORTUnusedSlot DeviceEpIncompatibilityDetails_GetNotes;
    /* 402 */ CORTUnusedSlot DeviceEpIncompatibilityDetails_GetErrorCode;
    /* 403 */ CORTUnusedSlot ReleaseDeviceEpIncompatibilityDetails;
    /* 404 */ OrtStatus * (*GetCompatibilityInfoFromModel)(const char *model_path, const char *ep_type, OrtAllocator *allocator, char **out_info);
    /* 405 */ OrtStatus * (*GetCompatibilityInfoFromModelBytes)(const void *model_bytes, size_t model_byte_count, const char *ep_type, OrtAllocator *allocator, char **out_info);
    /* 406 */ CORTUnusedSlot CreateEnvWithOptions;
    /* 407 */ OrtStatus * (*Session_GetEpGraphAssignmentInfo)(const OrtSession *session, const OrtEpAssignedSubgraph *const **out_subgraphs, size_t *out_count);
    /* 408 */ OrtStatus * (*EpAssignedSubgraph_GetEpName)(const OrtEpAssignedSubgraph *subgraph, const char **out_name);
    /* 409 */ OrtStatus * (*EpAssignedSubgraph_GetNodes)(const OrtEpAssignedSubgraph *subgraph, const OrtEpAssignedNode *const **out_nodes, size_t *out_count);
    /* 410 */ OrtStatus * (*EpAssignedNode_GetName)(const OrtEpAssignedNode *node, const char **out_name);
    /* 411 */ OrtStatus * (*EpAssignedNode_GetDomain)(const OrtEpAssignedNode *node, const char **out_domain);
    /* 412 */ OrtStatus * (*EpAssignedNode_GetOperatorType)(const OrtEpAssignedNode *node, const char **out_type);
    /* 413 */ CORTUnusedSlot RunOptionsSetSyncStream;
    /* 414 */ OrtStatus * (*GetTensorElementTypeAndShapeDataReference)(const OrtValue *value, ONNXTensorElementDataType *out_element_type, const int64_t **out_dims, size_t *out_rank);
    // Slots after API version 24 are not declared; the table is only ever read through a pointer.
} OrtApi;

// MARK: - The compile API (OrtApi slot 294, API version 22 and later)

/// Settings for one model compilation; released with `ReleaseModelCompilationOptions`.
typedef struct OrtModelCompilationOptions OrtModelCompilationOptions;

/// Bits for `ModelCompilationOptions_SetFlags` (API version 23).
typedef enum OrtCompileApiFlags {
    OrtCompileApiFlags_NONE = 0,
    /// Fail (ORT_FAIL) when no execution provider compiled any node.
    OrtCompileApiFlags_ERROR_IF_NO_NODES_COMPILED = 1 << 0,
    /// Fail (ORT_FAIL) instead of overwriting an existing output file.
    OrtCompileApiFlags_ERROR_IF_OUTPUT_FILE_EXISTS = 1 << 1,
} OrtCompileApiFlags;

/// Receives the compiled model's bytes, possibly in several calls; returns NULL on success.
typedef OrtStatus *(*OrtWriteBufferFunc)(void *context, const void *bytes, size_t byte_count);

/// The table `GetCompileApi` returns. Like OrtApi it only grows; entries are declared in ABI order and an entry
/// newer than the negotiated API version must not be called.
typedef struct OrtCompileApi {
    /* ---- API version 22 ---- */
    /*  0 */ void (*ReleaseModelCompilationOptions)(OrtModelCompilationOptions *options);
    /*  1 */ OrtStatus * (*CreateModelCompilationOptionsFromSessionOptions)(const OrtEnv *env, const OrtSessionOptions *session_options, OrtModelCompilationOptions **out_options);
    /*  2 */ OrtStatus * (*ModelCompilationOptions_SetInputModelPath)(OrtModelCompilationOptions *options, const char *path);
    /*  3 */ OrtStatus * (*ModelCompilationOptions_SetInputModelFromBuffer)(OrtModelCompilationOptions *options, const void *model_bytes, size_t model_byte_count);
    /*  4 */ OrtStatus * (*ModelCompilationOptions_SetOutputModelPath)(OrtModelCompilationOptions *options, const char *path);
    /*  5 */ OrtStatus * (*ModelCompilationOptions_SetOutputModelExternalInitializersFile)(OrtModelCompilationOptions *options, const char *path, size_t size_threshold);
    /*  6 */ OrtStatus * (*ModelCompilationOptions_SetOutputModelBuffer)(OrtModelCompilationOptions *options, OrtAllocator *allocator, void **out_bytes, size_t *out_byte_count);
    /*  7 */ OrtStatus * (*ModelCompilationOptions_SetEpContextEmbedMode)(OrtModelCompilationOptions *options, bool embed);
    /*  8 */ OrtStatus * (*CompileModel)(const OrtEnv *env, const OrtModelCompilationOptions *options);
    /* ---- API version 23 ---- */
    /*  9 */ OrtStatus * (*ModelCompilationOptions_SetFlags)(OrtModelCompilationOptions *options, uint32_t flags);
    /* 10 */ OrtStatus * (*ModelCompilationOptions_SetEpContextBinaryInformation)(OrtModelCompilationOptions *options, const char *output_directory, const char *model_name);
    /* 11 */ OrtStatus * (*ModelCompilationOptions_SetGraphOptimizationLevel)(OrtModelCompilationOptions *options, GraphOptimizationLevel level);
    /* 12 */ OrtStatus * (*ModelCompilationOptions_SetOutputModelWriteFunc)(OrtModelCompilationOptions *options, OrtWriteBufferFunc write, void *context);
    /* 13 */ CORTUnusedSlot ModelCompilationOptions_SetOutputModelGetInitializerLocationFunc;
    // Later entries are not declared; the table is only ever read through a pointer.
} OrtCompileApi;
/// The model editor table returned by OrtApi slot 291 (API version 21+), in ABI order. Ownership, as the runtime
/// implements it: SetGraphInputs/Outputs, AddInitializerToGraph, AddNodeToGraph and AddGraphToModel take the object
/// passed in on success (the Set* calls null each array entry they take); CreateNode releases every attribute it
/// is given; CreateValueInfo and CreateTensorTypeInfo copy what they are given.
struct OrtModelEditorApi {
    /*  0 */ OrtStatus * (*CreateTensorTypeInfo)(const OrtTensorTypeAndShapeInfo *tensor_info, OrtTypeInfo **out_info);
    /*  1 */ CORTUnusedSlot CreateSparseTensorTypeInfo;
    /*  2 */ CORTUnusedSlot CreateMapTypeInfo;
    /*  3 */ CORTUnusedSlot CreateSequenceTypeInfo;
    /*  4 */ CORTUnusedSlot CreateOptionalTypeInfo;
    /*  5 */ OrtStatus * (*CreateValueInfo)(const char *name, const OrtTypeInfo *type_info, OrtValueInfo **out_info);
    /*  6 */ OrtStatus * (*CreateNode)(const char *op_type, const char *domain, const char *node_name, const char *const *input_names, size_t input_count, const char *const *output_names, size_t output_count, OrtOpAttr **attributes, size_t attribute_count, OrtNode **out_node);
    /*  7 */ OrtStatus * (*CreateGraph)(OrtGraph **out_graph);
    /*  8 */ OrtStatus * (*SetGraphInputs)(OrtGraph *graph, OrtValueInfo **inputs, size_t count);
    /*  9 */ OrtStatus * (*SetGraphOutputs)(OrtGraph *graph, OrtValueInfo **outputs, size_t count);
    /* 10 */ OrtStatus * (*AddInitializerToGraph)(OrtGraph *graph, const char *name, OrtValue *tensor, bool data_is_external);
    /* 11 */ OrtStatus * (*AddNodeToGraph)(OrtGraph *graph, OrtNode *node);
    /* 12 */ OrtStatus * (*CreateModel)(const char *const *domains, const int *opset_versions, size_t count, OrtModel **out_model);
    /* 13 */ OrtStatus * (*AddGraphToModel)(OrtModel *model, OrtGraph *graph);
    /* 14 */ OrtStatus * (*CreateSessionFromModel)(const OrtEnv *env, const OrtModel *model, const OrtSessionOptions *options, OrtSession **out_session);
    /* 15 */ OrtStatus * (*CreateModelEditorSession)(const OrtEnv *env, const char *model_path, const OrtSessionOptions *options, OrtSession **out_session);
    /* 16 */ OrtStatus * (*CreateModelEditorSessionFromArray)(const OrtEnv *env, const void *model_bytes, size_t model_byte_count, const OrtSessionOptions *options, OrtSession **out_session);
    /* 17 */ OrtStatus * (*SessionGetOpsetForDomain)(const OrtSession *session, const char *domain, int *out_opset);
    /* 18 */ OrtStatus * (*ApplyModelToModelEditorSession)(OrtSession *session, OrtModel *model);
    /* 19 */ OrtStatus * (*FinalizeModelEditorSession)(OrtSession *session, const OrtSessionOptions *options, OrtPrepackedWeightsContainer *prepacked_weights);
};

/// The entry point exported by libonnxruntime as `OrtGetApiBase`.
typedef struct OrtApiBase {
    const OrtApi *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} OrtApiBase;

typedef const OrtApiBase *(*CORTGetApiBaseFunction)(void);

#ifdef __cplusplus
}
#endif

#endif
