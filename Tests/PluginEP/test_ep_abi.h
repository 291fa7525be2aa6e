// test_ep_abi.h: the parts of the ONNX Runtime plugin-EP ABI that the test EP uses, and nothing else.
//
// Written by the swift-onnxruntime team from the documented ABI (onnxruntime_c_api.h and onnxruntime_ep_c_api.h,
// API version 24 = ONNX Runtime 1.24, checked against the 1.32 slot order). It is not the upstream header.
//
// The OrtApi, OrtEpApi and OrtModelEditorApi tables are read as arrays of function pointers indexed by slot number
// (the tables are append-only, so a slot's index never changes); each slot the EP calls has a typedef below.
// The structs the EP fills in (OrtEpFactory, OrtEp, OrtNodeComputeInfo, OrtNodeFusionOptions) are declared in full
// up to the version the EP says it supports (`ort_version_supported`), because ORT reads them by offset.

#ifndef SWIFT_TEST_EP_ABI_H
#define SWIFT_TEST_EP_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The OrtApi version the test EP asks for (slot 414 arrived in 24).
#define TEST_EP_ORT_API_VERSION 24
/// The version the EP's own structs declare in `ort_version_supported`: ORT reads no member newer than this.
/// The structs below stop at their 1.23 members; later members changed while 1.24 was developed, so the EP
/// does not claim them.
#define TEST_EP_STRUCT_VERSION 23

// MARK: - Opaque handles

typedef struct OrtStatus OrtStatus;
typedef struct OrtApi OrtApi;
typedef struct OrtLogger OrtLogger;
typedef struct OrtHardwareDevice OrtHardwareDevice;
typedef struct OrtEpDevice OrtEpDevice;
typedef struct OrtKeyValuePairs OrtKeyValuePairs;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtGraph OrtGraph;
typedef struct OrtNode OrtNode;
typedef struct OrtValueInfo OrtValueInfo;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtOpAttr OrtOpAttr;
typedef struct OrtValue OrtValue;
typedef struct OrtKernelContext OrtKernelContext;
typedef struct OrtEpGraphSupportInfo OrtEpGraphSupportInfo;
typedef struct OrtNodeComputeContext OrtNodeComputeContext;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtMemoryDevice OrtMemoryDevice;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtDataTransferImpl OrtDataTransferImpl;
typedef struct OrtSyncStreamImpl OrtSyncStreamImpl;
typedef struct OrtRunOptions OrtRunOptions;

typedef struct OrtApiBase {
    const void *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} OrtApiBase;

// MARK: - Enumerations (values from the ABI)

enum {
    TEST_ORT_FAIL = 1,
    TEST_ORT_INVALID_ARGUMENT = 2,
    TEST_ORT_NOT_IMPLEMENTED = 9,
    TEST_ORT_INVALID_GRAPH = 10,
    TEST_ORT_EP_FAIL = 11,
};
enum { TEST_ORT_HARDWARE_DEVICE_CPU = 0 };
enum { TEST_ORT_ELEMENT_FLOAT = 1 };
enum { TEST_ORT_ONNX_TYPE_TENSOR = 1 };
enum { TEST_ORT_OP_ATTR_INT = 1, TEST_ORT_OP_ATTR_STRING = 5 };
enum { TEST_ORT_COMPILED_MODEL_SUPPORTED_OPTIMAL = 1, TEST_ORT_COMPILED_MODEL_UNSUPPORTED = 3 };

// MARK: - OrtApi slots the EP calls (index = slot number in the table)

#define ORT_SLOT_CreateStatus 0
typedef OrtStatus *(*TestCreateStatusFn)(int code, const char *message);
#define ORT_SLOT_GetErrorMessage 2
typedef const char *(*TestGetErrorMessageFn)(const OrtStatus *status);
#define ORT_SLOT_GetTensorMutableData 51
typedef OrtStatus *(*TestGetTensorMutableDataFn)(OrtValue *value, void **out);
#define ORT_SLOT_CastTypeInfoToTensorInfo 55
typedef OrtStatus *(*TestCastTypeInfoToTensorInfoFn)(const OrtTypeInfo *info, const OrtTensorTypeAndShapeInfo **out);
#define ORT_SLOT_GetOnnxTypeFromTypeInfo 56
typedef OrtStatus *(*TestGetOnnxTypeFromTypeInfoFn)(const OrtTypeInfo *info, int *out);
#define ORT_SLOT_GetTensorElementType 60
typedef OrtStatus *(*TestGetTensorElementTypeFn)(const OrtTensorTypeAndShapeInfo *info, int *out);
#define ORT_SLOT_KernelContext_GetInputCount 88
typedef OrtStatus *(*TestKernelContextGetInputCountFn)(const OrtKernelContext *context, size_t *out);
#define ORT_SLOT_KernelContext_GetOutputCount 89
typedef OrtStatus *(*TestKernelContextGetOutputCountFn)(const OrtKernelContext *context, size_t *out);
#define ORT_SLOT_KernelContext_GetInput 90
typedef OrtStatus *(*TestKernelContextGetInputFn)(const OrtKernelContext *context, size_t index, const OrtValue **out);
#define ORT_SLOT_KernelContext_GetOutput 91
typedef OrtStatus *(*TestKernelContextGetOutputFn)(OrtKernelContext *context, size_t index, const int64_t *dims,
                                                   size_t rank, OrtValue **out);
#define ORT_SLOT_ReleaseStatus 93
typedef void (*TestReleaseStatusFn)(OrtStatus *status);
#define ORT_SLOT_CreateOpAttr 211
typedef OrtStatus *(*TestCreateOpAttrFn)(const char *name, const void *data, int length, int type, OrtOpAttr **out);
#define ORT_SLOT_ReleaseOpAttr 212
typedef void (*TestReleaseOpAttrFn)(OrtOpAttr *attr);
#define ORT_SLOT_GetSessionConfigEntry 238
typedef OrtStatus *(*TestGetSessionConfigEntryFn)(const OrtSessionOptions *options, const char *key, char *value,
                                                  size_t *inout_size);
#define ORT_SLOT_HasSessionConfigEntry 237
typedef OrtStatus *(*TestHasSessionConfigEntryFn)(const OrtSessionOptions *options, const char *key, int *out);
#define ORT_SLOT_ReadOpAttr 272
typedef OrtStatus *(*TestReadOpAttrFn)(const OrtOpAttr *attr, int type, void *data, size_t length, size_t *out);
#define ORT_SLOT_GetValueInfoName 289
typedef OrtStatus *(*TestGetValueInfoNameFn)(const OrtValueInfo *info, const char **out);
#define ORT_SLOT_GetValueInfoTypeInfo 290
typedef OrtStatus *(*TestGetValueInfoTypeInfoFn)(const OrtValueInfo *info, const OrtTypeInfo **out);
#define ORT_SLOT_GetModelEditorApi 291
typedef const void *(*TestGetModelEditorApiFn)(void);
#define ORT_SLOT_CreateKeyValuePairs 295
typedef void (*TestCreateKeyValuePairsFn)(OrtKeyValuePairs **out);
#define ORT_SLOT_AddKeyValuePair 296
typedef void (*TestAddKeyValuePairFn)(OrtKeyValuePairs *pairs, const char *key, const char *value);
#define ORT_SLOT_ReleaseKeyValuePairs 300
typedef void (*TestReleaseKeyValuePairsFn)(OrtKeyValuePairs *pairs);
#define ORT_SLOT_HardwareDevice_Type 307
typedef int (*TestHardwareDeviceTypeFn)(const OrtHardwareDevice *device);
#define ORT_SLOT_GetEpApi 317
typedef const void *(*TestGetEpApiFn)(void);
#define ORT_SLOT_Graph_GetModelPath 334
typedef OrtStatus *(*TestGraphGetModelPathFn)(const OrtGraph *graph, const char **out);
#define ORT_SLOT_Graph_GetNumNodes 344
typedef OrtStatus *(*TestGraphGetNumNodesFn)(const OrtGraph *graph, size_t *out);
#define ORT_SLOT_Graph_GetNodes 345
typedef OrtStatus *(*TestGraphGetNodesFn)(const OrtGraph *graph, const OrtNode **nodes, size_t count);
#define ORT_SLOT_Node_GetName 349
typedef OrtStatus *(*TestNodeGetNameFn)(const OrtNode *node, const char **out);
#define ORT_SLOT_Node_GetOperatorType 350
typedef OrtStatus *(*TestNodeGetOperatorTypeFn)(const OrtNode *node, const char **out);
#define ORT_SLOT_Node_GetDomain 351
typedef OrtStatus *(*TestNodeGetDomainFn)(const OrtNode *node, const char **out);
#define ORT_SLOT_Node_GetNumInputs 353
typedef OrtStatus *(*TestNodeGetNumInputsFn)(const OrtNode *node, size_t *out);
#define ORT_SLOT_Node_GetInputs 354
typedef OrtStatus *(*TestNodeGetInputsFn)(const OrtNode *node, const OrtValueInfo **inputs, size_t count);
#define ORT_SLOT_Node_GetNumOutputs 355
typedef OrtStatus *(*TestNodeGetNumOutputsFn)(const OrtNode *node, size_t *out);
#define ORT_SLOT_Node_GetOutputs 356
typedef OrtStatus *(*TestNodeGetOutputsFn)(const OrtNode *node, const OrtValueInfo **outputs, size_t count);
#define ORT_SLOT_Node_GetAttributeByName 361
typedef OrtStatus *(*TestNodeGetAttributeByNameFn)(const OrtNode *node, const char *name, const OrtOpAttr **out);
#define ORT_SLOT_GetTensorData 378
typedef OrtStatus *(*TestGetTensorDataFn)(const OrtValue *value, const void **out);
#define ORT_SLOT_GetTensorElementTypeAndShapeDataReference 414
typedef OrtStatus *(*TestGetTensorElementTypeAndShapeFn)(const OrtValue *value, int *element_type,
                                                         const int64_t **dims, size_t *rank);

// MARK: - OrtEpApi slots the EP calls

#define EP_SLOT_CreateEpDevice 0
typedef OrtStatus *(*TestCreateEpDeviceFn)(void *factory, const OrtHardwareDevice *device,
                                           const OrtKeyValuePairs *metadata, const OrtKeyValuePairs *options,
                                           OrtEpDevice **out);
#define EP_SLOT_ReleaseEpDevice 1
typedef void (*TestReleaseEpDeviceFn)(OrtEpDevice *device);
#define EP_SLOT_EpGraphSupportInfo_AddNodesToFuse 2
struct TestNodeFusionOptions;
typedef OrtStatus *(*TestAddNodesToFuseFn)(OrtEpGraphSupportInfo *info, const OrtNode *const *nodes, size_t count,
                                           const struct TestNodeFusionOptions *options);
#define EP_SLOT_NodeComputeContext_NodeName 4
typedef const char *(*TestNodeComputeContextNodeNameFn)(const OrtNodeComputeContext *context);

// MARK: - OrtModelEditorApi slots the EP calls

#define EDITOR_SLOT_CreateNode 6
typedef OrtStatus *(*TestCreateNodeFn)(const char *op_type, const char *domain, const char *name,
                                       const char *const *inputs, size_t input_count, const char *const *outputs,
                                       size_t output_count, OrtOpAttr **attributes, size_t attribute_count,
                                       OrtNode **out);

// MARK: - Structs the EP implements (layout = ABI order up to version 23)

/// OrtNodeFusionOptions.
typedef struct TestNodeFusionOptions {
    uint32_t ort_version_supported;
    bool drop_constant_initializers;
} TestNodeFusionOptions;

/// OrtNodeComputeInfo.
typedef struct TestNodeComputeInfo {
    uint32_t ort_version_supported;
    OrtStatus *(*CreateState)(struct TestNodeComputeInfo *self, OrtNodeComputeContext *context, void **state);
    OrtStatus *(*Compute)(struct TestNodeComputeInfo *self, void *state, OrtKernelContext *context);
    void (*ReleaseState)(struct TestNodeComputeInfo *self, void *state);
} TestNodeComputeInfo;

/// OrtEp.
typedef struct TestOrtEp {
    uint32_t ort_version_supported;
    const char *(*GetName)(const struct TestOrtEp *self);
    OrtStatus *(*GetCapability)(struct TestOrtEp *self, const OrtGraph *graph, OrtEpGraphSupportInfo *info);
    OrtStatus *(*Compile)(struct TestOrtEp *self, const OrtGraph **graphs, const OrtNode **fused_nodes, size_t count,
                          TestNodeComputeInfo **compute_infos, OrtNode **ep_context_nodes);
    void (*ReleaseNodeComputeInfos)(struct TestOrtEp *self, TestNodeComputeInfo **infos, size_t count);
    OrtStatus *(*GetPreferredDataLayout)(struct TestOrtEp *self, int *layout);
    OrtStatus *(*ShouldConvertDataLayoutForOp)(struct TestOrtEp *self, const char *domain, const char *op_type,
                                               int layout, int *should_convert);
    OrtStatus *(*SetDynamicOptions)(struct TestOrtEp *self, const char *const *keys, const char *const *values,
                                    size_t count);
    OrtStatus *(*OnRunStart)(struct TestOrtEp *self, const OrtRunOptions *options);
    OrtStatus *(*OnRunEnd)(struct TestOrtEp *self, const OrtRunOptions *options, bool sync_stream);
    OrtStatus *(*CreateAllocator)(struct TestOrtEp *self, const OrtMemoryInfo *info, OrtAllocator **out);
    OrtStatus *(*CreateSyncStreamForDevice)(struct TestOrtEp *self, const OrtMemoryDevice *device,
                                            OrtSyncStreamImpl **out);
    const char *(*GetCompiledModelCompatibilityInfo)(struct TestOrtEp *self, const OrtGraph *graph);
} TestOrtEp;

/// OrtEpFactory.
typedef struct TestOrtEpFactory {
    uint32_t ort_version_supported;
    const char *(*GetName)(const struct TestOrtEpFactory *self);
    const char *(*GetVendor)(const struct TestOrtEpFactory *self);
    OrtStatus *(*GetSupportedDevices)(struct TestOrtEpFactory *self, const OrtHardwareDevice *const *devices,
                                      size_t device_count, OrtEpDevice **ep_devices, size_t max_ep_devices,
                                      size_t *ep_device_count);
    OrtStatus *(*CreateEp)(struct TestOrtEpFactory *self, const OrtHardwareDevice *const *devices,
                           const OrtKeyValuePairs *const *metadata, size_t device_count,
                           const OrtSessionOptions *session_options, const OrtLogger *logger, TestOrtEp **out);
    void (*ReleaseEp)(struct TestOrtEpFactory *self, TestOrtEp *ep);
    uint32_t (*GetVendorId)(const struct TestOrtEpFactory *self);
    const char *(*GetVersion)(const struct TestOrtEpFactory *self);
    OrtStatus *(*ValidateCompiledModelCompatibilityInfo)(struct TestOrtEpFactory *self,
                                                         const OrtHardwareDevice *const *devices, size_t device_count,
                                                         const char *info, int *compatibility);
    OrtStatus *(*CreateAllocator)(struct TestOrtEpFactory *self, const OrtMemoryInfo *info,
                                  const OrtKeyValuePairs *options, OrtAllocator **out);
    void (*ReleaseAllocator)(struct TestOrtEpFactory *self, OrtAllocator *allocator);
    OrtStatus *(*CreateDataTransfer)(struct TestOrtEpFactory *self, OrtDataTransferImpl **out);
    bool (*IsStreamAware)(const struct TestOrtEpFactory *self);
    OrtStatus *(*CreateSyncStreamForDevice)(struct TestOrtEpFactory *self, const OrtMemoryDevice *device,
                                            const OrtKeyValuePairs *options, OrtSyncStreamImpl **out);
} TestOrtEpFactory;

#endif
