// test_ep.c: a small plugin execution provider for swift-onnxruntime's tests. Built only for the tests
// (scripts/build-test-ep.sh), never shipped.
//
// EP name "SwiftTestEP", vendor "swift-onnxruntime". The factory claims every CPU hardware device ORT offers.
// The EP claims float `Mul` and `Add` nodes (ONNX domain, two inputs, one output) and compiles them into fused
// nodes that compute on the CPU with NumPy broadcasting. When every node of a graph is supported, the whole graph
// becomes one fused node; otherwise each supported node is fused on its own.
//
// EPContext: with the session option `ep.context_enable=1` (what the compile API sets) Compile also returns an
// `EPContext` node (domain com.microsoft) per fused node, whose `ep_cache_context` holds the fused node's program
// as text (embed_mode=1) or the name of a file written beside `ep.context_file_path` (embed_mode=0). The EP claims
// `EPContext` nodes whose `source` is its own name and runs them from that program, so a compiled model round-trips.
//
// EP options (session options `ep.swifttestep.<key>`, set through AppendExecutionProvider_V2):
//   ops=Mul,Add   the op types to claim (default both); `ops=` claims nothing.
//   fail=create   CreateEp fails with ORT_EP_FAIL (to test error paths).

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ep_abi.h"

#define TEST_EP_NAME "SwiftTestEP"
#define TEST_EP_VENDOR "swift-onnxruntime"
#define TEST_EP_VENDOR_ID 0x5357u
#define TEST_EP_VERSION "1.0.0"
#define TEST_EP_COMPATIBILITY "SwiftTestEP;format=1"
#define TEST_EP_CONTEXT_HEADER "swifttestep-program-v1\n"
#define TEST_EP_MAX_RANK 8
#define TEST_EP_EXPORT __attribute__((visibility("default")))

static const void *const *g_ort;     // OrtApi, read by slot
static const void *const *g_ep_api;  // OrtEpApi, read by slot
static const void *const *g_editor;  // OrtModelEditorApi, read by slot

#define ORT(type, slot) ((type)(g_ort[slot]))

static OrtStatus *make_error(int code, const char *format, const char *detail) {
    char message[512];
    snprintf(message, sizeof(message), format, detail ? detail : "");
    return ORT(TestCreateStatusFn, ORT_SLOT_CreateStatus)(code, message);
}

#define RETURN_IF_ERROR(expr)                                                                                          \
    do {                                                                                                               \
        OrtStatus *status_ = (expr);                                                                                   \
        if (status_ != NULL) return status_;                                                                           \
    } while (0)

// MARK: - Programs: the computation of one fused node

enum { STEP_MUL = 0, STEP_ADD = 1 };

typedef struct Step {
    int op;
    size_t a, b, out;  // indexes into Program.names
} Step;

typedef struct Program {
    char **names;
    size_t name_count, name_capacity;
    size_t *inputs;
    size_t input_count;
    size_t *outputs;
    size_t output_count;
    Step *steps;
    size_t step_count;
} Program;

static void program_free(Program *program) {
    if (program == NULL) return;
    for (size_t i = 0; i < program->name_count; i++) free(program->names[i]);
    free(program->names);
    free(program->inputs);
    free(program->outputs);
    free(program->steps);
    free(program);
}

/// Returns the index of `name` (of `length` bytes), adding it if new; SIZE_MAX when out of memory.
static size_t program_intern(Program *program, const char *name, size_t length) {
    for (size_t i = 0; i < program->name_count; i++) {
        if (strlen(program->names[i]) == length && memcmp(program->names[i], name, length) == 0) return i;
    }
    if (program->name_count == program->name_capacity) {
        size_t capacity = program->name_capacity ? program->name_capacity * 2 : 8;
        char **grown = realloc(program->names, capacity * sizeof(char *));
        if (grown == NULL) return SIZE_MAX;
        program->names = grown;
        program->name_capacity = capacity;
    }
    char *copy = malloc(length + 1);
    if (copy == NULL) return SIZE_MAX;
    memcpy(copy, name, length);
    copy[length] = 0;
    program->names[program->name_count] = copy;
    return program->name_count++;
}

/// A growable text buffer.
typedef struct Text {
    char *bytes;
    size_t length, capacity;
    bool failed;
} Text;

static void text_append(Text *text, const char *bytes, size_t length) {
    if (text->failed) return;
    if (text->length + length + 1 > text->capacity) {
        size_t capacity = (text->capacity + length + 1) * 2;
        char *grown = realloc(text->bytes, capacity);
        if (grown == NULL) {
            text->failed = true;
            return;
        }
        text->bytes = grown;
        text->capacity = capacity;
    }
    memcpy(text->bytes + text->length, bytes, length);
    text->length += length;
    text->bytes[text->length] = 0;
}

static void text_append_name(Text *text, const char *name) {
    char prefix[32];
    int count = snprintf(prefix, sizeof(prefix), " %zu:", strlen(name));
    text_append(text, prefix, (size_t)count);
    text_append(text, name, strlen(name));
}

/// The program as text: a header line, then `I`, `O` and `N <op>` lines of length-prefixed names.
static char *program_serialize(const Program *program) {
    Text text = {0};
    text_append(&text, TEST_EP_CONTEXT_HEADER, strlen(TEST_EP_CONTEXT_HEADER));
    for (size_t i = 0; i < program->input_count; i++) {
        text_append(&text, "I", 1);
        text_append_name(&text, program->names[program->inputs[i]]);
        text_append(&text, "\n", 1);
    }
    for (size_t i = 0; i < program->output_count; i++) {
        text_append(&text, "O", 1);
        text_append_name(&text, program->names[program->outputs[i]]);
        text_append(&text, "\n", 1);
    }
    for (size_t i = 0; i < program->step_count; i++) {
        const Step *step = &program->steps[i];
        text_append(&text, step->op == STEP_MUL ? "N Mul" : "N Add", 5);
        text_append_name(&text, program->names[step->a]);
        text_append_name(&text, program->names[step->b]);
        text_append_name(&text, program->names[step->out]);
        text_append(&text, "\n", 1);
    }
    if (text.failed) {
        free(text.bytes);
        return NULL;
    }
    return text.bytes;
}

/// Reads ` <len>:<name>` at `*cursor` (bounded by `end`) and interns it; false on malformed text.
static bool parse_name(Program *program, const char **cursor, const char *end, size_t *out_index) {
    const char *p = *cursor;
    if (p >= end || *p != ' ') return false;
    p++;
    size_t length = 0;
    bool digits = false;
    while (p < end && *p >= '0' && *p <= '9') {
        if (length > 1000000) return false;
        length = length * 10 + (size_t)(*p - '0');
        digits = true;
        p++;
    }
    if (!digits || p >= end || *p != ':') return false;
    p++;
    if ((size_t)(end - p) < length) return false;
    size_t index = program_intern(program, p, length);
    if (index == SIZE_MAX) return false;
    *out_index = index;
    *cursor = p + length;
    return true;
}

static bool append_index(size_t **array, size_t *count, size_t value) {
    size_t *grown = realloc(*array, (*count + 1) * sizeof(size_t));
    if (grown == NULL) return false;
    grown[*count] = value;
    *array = grown;
    (*count)++;
    return true;
}

static bool append_step(Program *program, Step step) {
    Step *grown = realloc(program->steps, (program->step_count + 1) * sizeof(Step));
    if (grown == NULL) return false;
    grown[program->step_count++] = step;
    program->steps = grown;
    return true;
}

/// Parses text written by program_serialize; NULL when it is not a valid program.
static Program *program_parse(const char *bytes, size_t length) {
    const char *end = bytes + length;
    size_t header = strlen(TEST_EP_CONTEXT_HEADER);
    if (length < header || memcmp(bytes, TEST_EP_CONTEXT_HEADER, header) != 0) return NULL;
    Program *program = calloc(1, sizeof(Program));
    if (program == NULL) return NULL;
    const char *p = bytes + header;
    while (p < end) {
        bool ok = true;
        if (*p == 'I' || *p == 'O') {
            char kind = *p++;
            size_t index;
            ok = parse_name(program, &p, end, &index) &&
                 (kind == 'I' ? append_index(&program->inputs, &program->input_count, index)
                              : append_index(&program->outputs, &program->output_count, index));
        } else if (end - p >= 5 && (memcmp(p, "N Mul", 5) == 0 || memcmp(p, "N Add", 5) == 0)) {
            Step step = {.op = p[2] == 'M' ? STEP_MUL : STEP_ADD};
            p += 5;
            ok = parse_name(program, &p, end, &step.a) && parse_name(program, &p, end, &step.b) &&
                 parse_name(program, &p, end, &step.out) && append_step(program, step);
        } else {
            ok = false;
        }
        if (!ok || p >= end || *p != '\n') {
            program_free(program);
            return NULL;
        }
        p++;
    }
    if (program->output_count == 0 || program->step_count == 0) {
        program_free(program);
        return NULL;
    }
    return program;
}

// MARK: - Computing a program

typedef struct Slot {
    float *data;
    int64_t dims[TEST_EP_MAX_RANK];
    size_t rank;
    size_t count;
    bool set;
    bool owned;
} Slot;

static OrtStatus *broadcast_shape(const Slot *a, const Slot *b, int64_t *dims, size_t *rank, size_t *count) {
    size_t r = a->rank > b->rank ? a->rank : b->rank;
    size_t total = 1;
    for (size_t i = 0; i < r; i++) {
        int64_t da = i < r - a->rank ? 1 : a->dims[i - (r - a->rank)];
        int64_t db = i < r - b->rank ? 1 : b->dims[i - (r - b->rank)];
        int64_t d;
        if (da == db) d = da;
        else if (da == 1) d = db;
        else if (db == 1) d = da;
        else return make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: shapes cannot be broadcast together%s", "");
        dims[i] = d;
        total *= (size_t)d;
    }
    *rank = r;
    *count = total;
    return NULL;
}

/// out[i] = a[i] (op) b[i] with NumPy broadcasting; `out` has shape `dims` (rank `rank`).
static void broadcast_apply(int op, const Slot *a, const Slot *b, float *out, const int64_t *dims, size_t rank,
                            size_t count) {
    size_t stride_a[TEST_EP_MAX_RANK] = {0}, stride_b[TEST_EP_MAX_RANK] = {0};
    size_t step_a = 1, step_b = 1;
    for (size_t i = rank; i-- > 0;) {
        int64_t da = i < rank - a->rank ? 1 : a->dims[i - (rank - a->rank)];
        int64_t db = i < rank - b->rank ? 1 : b->dims[i - (rank - b->rank)];
        stride_a[i] = da == 1 ? 0 : step_a;
        stride_b[i] = db == 1 ? 0 : step_b;
        step_a *= (size_t)da;
        step_b *= (size_t)db;
    }
    size_t coordinate[TEST_EP_MAX_RANK] = {0};
    size_t offset_a = 0, offset_b = 0;
    for (size_t n = 0; n < count; n++) {
        float x = a->data[offset_a], y = b->data[offset_b];
        out[n] = op == STEP_MUL ? x * y : x + y;
        for (size_t i = rank; i-- > 0;) {
            coordinate[i]++;
            offset_a += stride_a[i];
            offset_b += stride_b[i];
            if (coordinate[i] < (size_t)dims[i]) break;
            offset_a -= stride_a[i] * coordinate[i];
            offset_b -= stride_b[i] * coordinate[i];
            coordinate[i] = 0;
        }
    }
}

static OrtStatus *program_run(const Program *program, OrtKernelContext *context) {
    size_t input_count = 0, output_count = 0;
    RETURN_IF_ERROR(ORT(TestKernelContextGetInputCountFn, ORT_SLOT_KernelContext_GetInputCount)(context, &input_count));
    RETURN_IF_ERROR(
        ORT(TestKernelContextGetOutputCountFn, ORT_SLOT_KernelContext_GetOutputCount)(context, &output_count));
    if (input_count != program->input_count || output_count != program->output_count) {
        return make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: the fused node's inputs or outputs do not match its program%s",
                          "");
    }
    Slot *slots = calloc(program->name_count, sizeof(Slot));
    if (slots == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    OrtStatus *status = NULL;
    for (size_t i = 0; i < input_count && status == NULL; i++) {
        const OrtValue *value = NULL;
        int element_type = 0;
        const int64_t *dims = NULL;
        size_t rank = 0;
        const void *data = NULL;
        status = ORT(TestKernelContextGetInputFn, ORT_SLOT_KernelContext_GetInput)(context, i, &value);
        if (status == NULL)
            status = ORT(TestGetTensorElementTypeAndShapeFn, ORT_SLOT_GetTensorElementTypeAndShapeDataReference)(
                value, &element_type, &dims, &rank);
        if (status == NULL && (element_type != TEST_ORT_ELEMENT_FLOAT || rank > TEST_EP_MAX_RANK))
            status = make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: input '%s' is not a float tensor of rank <= 8",
                                program->names[program->inputs[i]]);
        if (status == NULL) status = ORT(TestGetTensorDataFn, ORT_SLOT_GetTensorData)(value, &data);
        if (status == NULL) {
            Slot *slot = &slots[program->inputs[i]];
            slot->data = (float *)data;
            slot->rank = rank;
            slot->count = 1;
            for (size_t d = 0; d < rank; d++) {
                slot->dims[d] = dims[d];
                slot->count *= (size_t)dims[d];
            }
            slot->set = true;
        }
    }
    for (size_t s = 0; s < program->step_count && status == NULL; s++) {
        const Step *step = &program->steps[s];
        Slot *a = &slots[step->a], *b = &slots[step->b], *out = &slots[step->out];
        if (!a->set || !b->set || out->set) {
            status = make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: the program computes '%s' out of order",
                                program->names[step->out]);
            break;
        }
        status = broadcast_shape(a, b, out->dims, &out->rank, &out->count);
        if (status != NULL) break;
        size_t output_index = SIZE_MAX;
        for (size_t o = 0; o < program->output_count; o++) {
            if (program->outputs[o] == step->out) {
                output_index = o;
                break;
            }
        }
        if (output_index != SIZE_MAX) {
            OrtValue *value = NULL;
            void *data = NULL;
            status = ORT(TestKernelContextGetOutputFn, ORT_SLOT_KernelContext_GetOutput)(context, output_index,
                                                                                         out->dims, out->rank, &value);
            if (status == NULL) status = ORT(TestGetTensorMutableDataFn, ORT_SLOT_GetTensorMutableData)(value, &data);
            if (status != NULL) break;
            out->data = data;
        } else {
            out->data = malloc((out->count ? out->count : 1) * sizeof(float));
            if (out->data == NULL) {
                status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
                break;
            }
            out->owned = true;
        }
        out->set = true;
        broadcast_apply(step->op, a, b, out->data, out->dims, out->rank, out->count);
    }
    for (size_t o = 0; o < program->output_count && status == NULL; o++) {
        if (!slots[program->outputs[o]].set)
            status = make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: the program never computes output '%s'",
                                program->names[program->outputs[o]]);
    }
    for (size_t i = 0; i < program->name_count; i++) {
        if (slots[i].owned) free(slots[i].data);
    }
    free(slots);
    return status;
}

// MARK: - Graph helpers

static OrtStatus *node_values(const OrtNode *node, bool inputs, const OrtValueInfo ***out, size_t *count) {
    *out = NULL;
    RETURN_IF_ERROR(inputs ? ORT(TestNodeGetNumInputsFn, ORT_SLOT_Node_GetNumInputs)(node, count)
                           : ORT(TestNodeGetNumOutputsFn, ORT_SLOT_Node_GetNumOutputs)(node, count));
    *out = calloc(*count ? *count : 1, sizeof(OrtValueInfo *));
    if (*out == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    OrtStatus *status = inputs ? ORT(TestNodeGetInputsFn, ORT_SLOT_Node_GetInputs)(node, *out, *count)
                               : ORT(TestNodeGetOutputsFn, ORT_SLOT_Node_GetOutputs)(node, *out, *count);
    if (status != NULL) {
        free(*out);
        *out = NULL;
    }
    return status;
}

static OrtStatus *graph_nodes(const OrtGraph *graph, const OrtNode ***out, size_t *count) {
    *out = NULL;
    RETURN_IF_ERROR(ORT(TestGraphGetNumNodesFn, ORT_SLOT_Graph_GetNumNodes)(graph, count));
    *out = calloc(*count ? *count : 1, sizeof(OrtNode *));
    if (*out == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    OrtStatus *status = ORT(TestGraphGetNodesFn, ORT_SLOT_Graph_GetNodes)(graph, *out, *count);
    if (status != NULL) {
        free(*out);
        *out = NULL;
    }
    return status;
}

static bool is_float_tensor(const OrtValueInfo *info) {
    if (info == NULL) return false;
    const OrtTypeInfo *type = NULL;
    const OrtTensorTypeAndShapeInfo *tensor = NULL;
    int onnx_type = 0, element_type = 0;
    OrtStatus *status = ORT(TestGetValueInfoTypeInfoFn, ORT_SLOT_GetValueInfoTypeInfo)(info, &type);
    if (status == NULL) status = ORT(TestGetOnnxTypeFromTypeInfoFn, ORT_SLOT_GetOnnxTypeFromTypeInfo)(type, &onnx_type);
    if (status == NULL && onnx_type == TEST_ORT_ONNX_TYPE_TENSOR)
        status = ORT(TestCastTypeInfoToTensorInfoFn, ORT_SLOT_CastTypeInfoToTensorInfo)(type, &tensor);
    if (status == NULL && tensor != NULL)
        status = ORT(TestGetTensorElementTypeFn, ORT_SLOT_GetTensorElementType)(tensor, &element_type);
    if (status != NULL) {
        ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
        return false;
    }
    return element_type == TEST_ORT_ELEMENT_FLOAT;
}

/// Reads a string attribute of `node` into a new NUL-terminated buffer (`*length` bytes without the NUL).
static OrtStatus *read_string_attribute(const OrtNode *node, const char *name, char **out, size_t *length) {
    *out = NULL;
    const OrtOpAttr *attribute = NULL;
    RETURN_IF_ERROR(ORT(TestNodeGetAttributeByNameFn, ORT_SLOT_Node_GetAttributeByName)(node, name, &attribute));
    if (attribute == NULL) return make_error(TEST_ORT_INVALID_GRAPH, "SwiftTestEP: EPContext node has no '%s'", name);
    size_t size = 0;
    OrtStatus *probe = ORT(TestReadOpAttrFn, ORT_SLOT_ReadOpAttr)(attribute, TEST_ORT_OP_ATTR_STRING, NULL, 0, &size);
    if (probe != NULL) ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(probe);
    *out = calloc(size + 1, 1);
    if (*out == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    size_t written = 0;
    OrtStatus *status = ORT(TestReadOpAttrFn, ORT_SLOT_ReadOpAttr)(attribute, TEST_ORT_OP_ATTR_STRING, *out, size,
                                                                   &written);
    if (status != NULL) {
        free(*out);
        *out = NULL;
        return status;
    }
    *length = written <= size ? written : size;
    (*out)[*length] = 0;
    return NULL;
}

static OrtStatus *read_int_attribute(const OrtNode *node, const char *name, int64_t fallback, int64_t *out) {
    const OrtOpAttr *attribute = NULL;
    *out = fallback;
    RETURN_IF_ERROR(ORT(TestNodeGetAttributeByNameFn, ORT_SLOT_Node_GetAttributeByName)(node, name, &attribute));
    if (attribute == NULL) return NULL;
    size_t written = 0;
    return ORT(TestReadOpAttrFn, ORT_SLOT_ReadOpAttr)(attribute, TEST_ORT_OP_ATTR_INT, out, sizeof(int64_t), &written);
}

static bool op_type_is(const OrtNode *node, const char *op_type, const char *domain) {
    const char *type = NULL, *node_domain = NULL;
    OrtStatus *status = ORT(TestNodeGetOperatorTypeFn, ORT_SLOT_Node_GetOperatorType)(node, &type);
    if (status == NULL) status = ORT(TestNodeGetDomainFn, ORT_SLOT_Node_GetDomain)(node, &node_domain);
    if (status != NULL) {
        ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
        return false;
    }
    return type && strcmp(type, op_type) == 0 && node_domain && strcmp(node_domain, domain) == 0;
}

// MARK: - The EP

typedef struct TestEp {
    TestOrtEp base;
    bool claim_mul, claim_add;
    bool context_enable;
    int64_t embed_mode;
    char context_file_path[4096];
} TestEp;

typedef struct ComputeInfo {
    TestNodeComputeInfo base;
    Program *program;
} ComputeInfo;

static const char *ep_get_name(const TestOrtEp *self) {
    (void)self;
    return TEST_EP_NAME;
}

static bool is_own_ep_context(const OrtNode *node) {
    if (!op_type_is(node, "EPContext", "com.microsoft")) return false;
    char *source = NULL;
    size_t length = 0;
    OrtStatus *status = read_string_attribute(node, "source", &source, &length);
    if (status != NULL) {
        ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
        return false;
    }
    bool own = strcmp(source, TEST_EP_NAME) == 0;
    free(source);
    return own;
}

static bool ep_supports(const TestEp *ep, const OrtNode *node) {
    bool mul = ep->claim_mul && op_type_is(node, "Mul", "");
    bool add = ep->claim_add && op_type_is(node, "Add", "");
    if (!mul && !add) return false;
    const OrtValueInfo **inputs = NULL, **outputs = NULL;
    size_t input_count = 0, output_count = 0;
    OrtStatus *status = node_values(node, true, &inputs, &input_count);
    if (status == NULL) status = node_values(node, false, &outputs, &output_count);
    bool supported = status == NULL && input_count == 2 && output_count == 1 && is_float_tensor(inputs[0]) &&
                     is_float_tensor(inputs[1]) && is_float_tensor(outputs[0]);
    if (status != NULL) ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
    free(inputs);
    free(outputs);
    return supported;
}

static OrtStatus *ep_get_capability(TestOrtEp *self, const OrtGraph *graph, OrtEpGraphSupportInfo *info) {
    TestEp *ep = (TestEp *)self;
    const OrtNode **nodes = NULL;
    size_t count = 0;
    RETURN_IF_ERROR(graph_nodes(graph, &nodes, &count));
    const OrtNode **supported = calloc(count ? count : 1, sizeof(OrtNode *));
    if (supported == NULL) {
        free(nodes);
        return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    }
    size_t supported_count = 0;
    TestNodeFusionOptions options = {.ort_version_supported = TEST_EP_STRUCT_VERSION,
                                      .drop_constant_initializers = false};
    TestAddNodesToFuseFn add_nodes = (TestAddNodesToFuseFn)g_ep_api[EP_SLOT_EpGraphSupportInfo_AddNodesToFuse];
    OrtStatus *status = NULL;
    for (size_t i = 0; i < count && status == NULL; i++) {
        if (is_own_ep_context(nodes[i])) {
            status = add_nodes(info, &nodes[i], 1, &options);  // each EPContext node alone
        } else if (ep_supports(ep, nodes[i])) {
            supported[supported_count++] = nodes[i];
        }
    }
    if (status == NULL && supported_count > 0) {
        if (supported_count == count) {
            status = add_nodes(info, supported, supported_count, &options);  // the whole graph, one fused node
        } else {
            for (size_t i = 0; i < supported_count && status == NULL; i++) {
                status = add_nodes(info, &supported[i], 1, &options);
            }
        }
    }
    free(supported);
    free(nodes);
    return status;
}

/// Builds the program of a fused node from the nodes of its graph, in dependency order.
static OrtStatus *program_from_graph(const OrtGraph *graph, const OrtNode *fused_node, Program **out) {
    *out = NULL;
    Program *program = calloc(1, sizeof(Program));
    if (program == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    const OrtNode **nodes = NULL;
    const OrtValueInfo **values = NULL;
    size_t node_count = 0, value_count = 0;
    bool *done = NULL, *available = NULL;
    OrtStatus *status = node_values(fused_node, true, &values, &value_count);
    for (size_t i = 0; i < value_count && status == NULL; i++) {
        const char *name = NULL;
        status = ORT(TestGetValueInfoNameFn, ORT_SLOT_GetValueInfoName)(values[i], &name);
        size_t index = status == NULL ? program_intern(program, name, strlen(name)) : 0;
        if (status == NULL && (index == SIZE_MAX || !append_index(&program->inputs, &program->input_count, index)))
            status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    }
    free(values);
    values = NULL;
    if (status == NULL) status = node_values(fused_node, false, &values, &value_count);
    for (size_t i = 0; i < value_count && status == NULL; i++) {
        const char *name = NULL;
        status = ORT(TestGetValueInfoNameFn, ORT_SLOT_GetValueInfoName)(values[i], &name);
        size_t index = status == NULL ? program_intern(program, name, strlen(name)) : 0;
        if (status == NULL && (index == SIZE_MAX || !append_index(&program->outputs, &program->output_count, index)))
            status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    }
    free(values);
    values = NULL;
    if (status == NULL) status = graph_nodes(graph, &nodes, &node_count);
    if (status == NULL) {
        done = calloc(node_count ? node_count : 1, sizeof(bool));
        available = calloc(program->name_count + 3 * node_count + 1, sizeof(bool));
        if (done == NULL || available == NULL) status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    }
    for (size_t i = 0; i < program->input_count && status == NULL; i++) available[program->inputs[i]] = true;
    // Schedule nodes whose inputs are available until all are scheduled (at most node_count rounds).
    for (size_t round = 0; round < node_count && status == NULL; round++) {
        for (size_t n = 0; n < node_count && status == NULL; n++) {
            if (done[n]) continue;
            const OrtValueInfo **inputs = NULL, **outputs = NULL;
            size_t input_count = 0, output_count = 0;
            status = node_values(nodes[n], true, &inputs, &input_count);
            if (status == NULL) status = node_values(nodes[n], false, &outputs, &output_count);
            if (status == NULL && (input_count != 2 || output_count != 1))
                status = make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: expected a binary node%s", "");
            const char *names[3] = {NULL, NULL, NULL};
            for (size_t k = 0; k < 3 && status == NULL; k++) {
                const OrtValueInfo *value = k < 2 ? inputs[k] : outputs[0];
                if (value == NULL) status = make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: missing node input%s", "");
                else status = ORT(TestGetValueInfoNameFn, ORT_SLOT_GetValueInfoName)(value, &names[k]);
            }
            free(inputs);
            free(outputs);
            if (status != NULL) break;
            size_t a = program_intern(program, names[0], strlen(names[0]));
            size_t b = program_intern(program, names[1], strlen(names[1]));
            size_t c = program_intern(program, names[2], strlen(names[2]));
            if (a == SIZE_MAX || b == SIZE_MAX || c == SIZE_MAX) {
                status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
                break;
            }
            if (!available[a] || !available[b]) continue;
            Step step = {.op = op_type_is(nodes[n], "Mul", "") ? STEP_MUL : STEP_ADD, .a = a, .b = b, .out = c};
            if (!append_step(program, step)) {
                status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
                break;
            }
            available[c] = true;
            done[n] = true;
        }
    }
    for (size_t n = 0; n < node_count && status == NULL; n++) {
        if (!done[n]) status = make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: a node's inputs are never computed%s", "");
    }
    free(nodes);
    free(done);
    free(available);
    if (status != NULL) {
        program_free(program);
        return status;
    }
    *out = program;
    return NULL;
}

/// Keeps letters, digits, '-', '_' and '.' of `name`; anything else becomes '_'.
static void sanitize(char *name) {
    for (char *p = name; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                  *p == '_' || *p == '.';
        if (!ok) *p = '_';
    }
}

static OrtStatus *write_file(const char *path, const char *bytes) {
    FILE *file = fopen(path, "wb");
    if (file == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: cannot write the context file '%s'", path);
    size_t length = strlen(bytes);
    bool ok = fwrite(bytes, 1, length, file) == length;
    ok = fclose(file) == 0 && ok;
    return ok ? NULL : make_error(TEST_ORT_FAIL, "SwiftTestEP: cannot write the context file '%s'", path);
}

static OrtStatus *read_file(const char *path, char **out, size_t *length) {
    *out = NULL;
    FILE *file = fopen(path, "rb");
    if (file == NULL) return make_error(TEST_ORT_INVALID_GRAPH, "SwiftTestEP: cannot read the context file '%s'", path);
    Text text = {0};
    char buffer[4096];
    size_t count;
    while ((count = fread(buffer, 1, sizeof(buffer), file)) > 0) text_append(&text, buffer, count);
    fclose(file);
    if (text.failed || text.bytes == NULL) {
        free(text.bytes);
        return make_error(TEST_ORT_INVALID_GRAPH, "SwiftTestEP: the context file '%s' is empty", path);
    }
    *out = text.bytes;
    *length = text.length;
    return NULL;
}

/// The directory part of `path` ("." when it has none), into `out`.
static void directory_of(const char *path, char *out, size_t size) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(out, size, ".");
    } else {
        size_t length = (size_t)(slash - path);
        if (length >= size) length = size - 1;
        memcpy(out, path, length);
        out[length] = 0;
        if (length == 0) snprintf(out, size, "/");
    }
}

static OrtStatus *program_from_ep_context(const OrtGraph *graph, const OrtNode *node, Program **out) {
    *out = NULL;
    int64_t embed_mode = 1;
    RETURN_IF_ERROR(read_int_attribute(node, "embed_mode", 1, &embed_mode));
    char *context = NULL;
    size_t length = 0;
    RETURN_IF_ERROR(read_string_attribute(node, "ep_cache_context", &context, &length));
    if (embed_mode == 0) {
        // ep_cache_context names a file in the model's directory.
        if (strchr(context, '/') != NULL || strstr(context, "..") != NULL || length == 0) {
            OrtStatus *status = make_error(
                TEST_ORT_INVALID_GRAPH, "SwiftTestEP: the context file name '%s' must be a plain file name", context);
            free(context);
            return status;
        }
        const char *model_path = NULL;
        OrtStatus *status = ORT(TestGraphGetModelPathFn, ORT_SLOT_Graph_GetModelPath)(graph, &model_path);
        if (status == NULL && (model_path == NULL || model_path[0] == 0))
            status = make_error(TEST_ORT_INVALID_GRAPH,
                                "SwiftTestEP: embed_mode 0 needs the model's path to find '%s'; load it from a file",
                                context);
        if (status != NULL) {
            free(context);
            return status;
        }
        char directory[4096], path[8192];
        directory_of(model_path, directory, sizeof(directory));
        snprintf(path, sizeof(path), "%s/%s", directory, context);
        free(context);
        context = NULL;
        RETURN_IF_ERROR(read_file(path, &context, &length));
    }
    Program *program = program_parse(context, length);
    free(context);
    if (program == NULL)
        return make_error(TEST_ORT_INVALID_GRAPH, "SwiftTestEP: the EPContext node's ep_cache_context is not a program%s",
                          "");
    *out = program;
    return NULL;
}

static OrtStatus *make_ep_context_node(TestEp *ep, const OrtNode *fused_node, const Program *program,
                                       OrtNode **out) {
    const char *fused_name = NULL;
    RETURN_IF_ERROR(ORT(TestNodeGetNameFn, ORT_SLOT_Node_GetName)(fused_node, &fused_name));
    char *text = program_serialize(program);
    if (text == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    char file_name[1024];
    const char *cache = text;
    if (ep->embed_mode == 0) {
        if (ep->context_file_path[0] == 0) {
            free(text);
            return make_error(TEST_ORT_INVALID_ARGUMENT,
                              "SwiftTestEP: embed mode 0 writes the context beside the output model, so it needs an "
                              "output model path (ep.context_file_path)%s",
                              "");
        }
        const char *base = strrchr(ep->context_file_path, '/');
        base = base ? base + 1 : ep->context_file_path;
        char stem[512];
        snprintf(stem, sizeof(stem), "%s", base);
        char *dot = strrchr(stem, '.');
        if (dot != NULL && dot != stem) *dot = 0;
        snprintf(file_name, sizeof(file_name), "%s_%s.swifttestep", stem, fused_name);
        sanitize(file_name);
        char directory[4096], path[8192];
        directory_of(ep->context_file_path, directory, sizeof(directory));
        snprintf(path, sizeof(path), "%s/%s", directory, file_name);
        OrtStatus *status = write_file(path, text);
        if (status != NULL) {
            free(text);
            return status;
        }
        cache = file_name;
    }
    int64_t embed_mode = ep->embed_mode == 0 ? 0 : 1, main_context = 1;
    OrtOpAttr *attributes[5] = {NULL};
    TestCreateOpAttrFn create_attr = ORT(TestCreateOpAttrFn, ORT_SLOT_CreateOpAttr);
    OrtStatus *status = create_attr("ep_cache_context", cache, (int)strlen(cache), TEST_ORT_OP_ATTR_STRING,
                                    &attributes[0]);
    if (status == NULL)
        status = create_attr("embed_mode", &embed_mode, 1, TEST_ORT_OP_ATTR_INT, &attributes[1]);
    if (status == NULL)
        status = create_attr("source", TEST_EP_NAME, (int)strlen(TEST_EP_NAME), TEST_ORT_OP_ATTR_STRING,
                             &attributes[2]);
    if (status == NULL)
        status = create_attr("main_context", &main_context, 1, TEST_ORT_OP_ATTR_INT, &attributes[3]);
    if (status == NULL)
        status = create_attr("partition_name", fused_name, (int)strlen(fused_name), TEST_ORT_OP_ATTR_STRING,
                             &attributes[4]);
    const char **inputs = calloc(program->input_count + 1, sizeof(char *));
    const char **outputs = calloc(program->output_count + 1, sizeof(char *));
    if (status == NULL && (inputs == NULL || outputs == NULL))
        status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    if (status == NULL) {
        for (size_t i = 0; i < program->input_count; i++) inputs[i] = program->names[program->inputs[i]];
        for (size_t i = 0; i < program->output_count; i++) outputs[i] = program->names[program->outputs[i]];
        TestCreateNodeFn create_node = (TestCreateNodeFn)g_editor[EDITOR_SLOT_CreateNode];
        status = create_node("EPContext", "com.microsoft", fused_name, inputs, program->input_count, outputs,
                             program->output_count, attributes, 5, out);
    }
    for (size_t i = 0; i < 5; i++) {
        if (attributes[i] != NULL) ORT(TestReleaseOpAttrFn, ORT_SLOT_ReleaseOpAttr)(attributes[i]);
    }
    free(inputs);
    free(outputs);
    free(text);
    return status;
}

static OrtStatus *compute_create_state(TestNodeComputeInfo *self, OrtNodeComputeContext *context, void **state) {
    (void)context;
    *state = ((ComputeInfo *)self)->program;
    return NULL;
}

static OrtStatus *compute_run(TestNodeComputeInfo *self, void *state, OrtKernelContext *context) {
    (void)self;
    return program_run((const Program *)state, context);
}

static void compute_release_state(TestNodeComputeInfo *self, void *state) {
    (void)self;
    (void)state;  // the program belongs to the ComputeInfo
}

static void ep_release_compute_infos(TestOrtEp *self, TestNodeComputeInfo **infos, size_t count) {
    (void)self;
    for (size_t i = 0; i < count; i++) {
        if (infos[i] == NULL) continue;
        program_free(((ComputeInfo *)infos[i])->program);
        free(infos[i]);
    }
}

static OrtStatus *ep_compile(TestOrtEp *self, const OrtGraph **graphs, const OrtNode **fused_nodes, size_t count,
                             TestNodeComputeInfo **compute_infos, OrtNode **ep_context_nodes) {
    TestEp *ep = (TestEp *)self;
    OrtStatus *status = NULL;
    size_t made = 0;
    for (size_t i = 0; i < count && status == NULL; i++) {
        const OrtNode **nodes = NULL;
        size_t node_count = 0;
        Program *program = NULL;
        status = graph_nodes(graphs[i], &nodes, &node_count);
        if (status == NULL) {
            bool from_context = node_count == 1 && is_own_ep_context(nodes[0]);
            if (from_context && ep->context_enable) {
                status = make_error(TEST_ORT_INVALID_ARGUMENT,
                                    "SwiftTestEP: the model is already compiled (it holds an EPContext node); compile "
                                    "the original model instead%s",
                                    "");
            } else if (from_context) {
                status = program_from_ep_context(graphs[i], nodes[0], &program);
            } else {
                status = program_from_graph(graphs[i], fused_nodes[i], &program);
                if (status == NULL && ep->context_enable && ep_context_nodes != NULL)
                    status = make_ep_context_node(ep, fused_nodes[i], program, &ep_context_nodes[i]);
            }
        }
        free(nodes);
        if (status == NULL) {
            ComputeInfo *info = calloc(1, sizeof(ComputeInfo));
            if (info == NULL) {
                status = make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
            } else {
                info->base.ort_version_supported = TEST_EP_STRUCT_VERSION;
                info->base.CreateState = compute_create_state;
                info->base.Compute = compute_run;
                info->base.ReleaseState = compute_release_state;
                info->program = program;
                program = NULL;
                compute_infos[i] = &info->base;
                made++;
            }
        }
        program_free(program);
    }
    if (status != NULL) {
        ep_release_compute_infos(self, compute_infos, made);
        for (size_t i = 0; i < made; i++) compute_infos[i] = NULL;
    }
    return status;
}

static const char *ep_compatibility_info(TestOrtEp *self, const OrtGraph *graph) {
    (void)self;
    (void)graph;
    return TEST_EP_COMPATIBILITY;
}

// MARK: - The factory

typedef struct TestEpFactory {
    TestOrtEpFactory base;
} TestEpFactory;

static const char *factory_get_name(const TestOrtEpFactory *self) {
    (void)self;
    return TEST_EP_NAME;
}

static const char *factory_get_vendor(const TestOrtEpFactory *self) {
    (void)self;
    return TEST_EP_VENDOR;
}

static uint32_t factory_get_vendor_id(const TestOrtEpFactory *self) {
    (void)self;
    return TEST_EP_VENDOR_ID;
}

static const char *factory_get_version(const TestOrtEpFactory *self) {
    (void)self;
    return TEST_EP_VERSION;
}

static OrtStatus *factory_get_supported_devices(TestOrtEpFactory *self, const OrtHardwareDevice *const *devices,
                                                size_t device_count, OrtEpDevice **ep_devices, size_t max_ep_devices,
                                                size_t *ep_device_count) {
    *ep_device_count = 0;
    for (size_t i = 0; i < device_count && *ep_device_count < max_ep_devices; i++) {
        if (ORT(TestHardwareDeviceTypeFn, ORT_SLOT_HardwareDevice_Type)(devices[i]) != TEST_ORT_HARDWARE_DEVICE_CPU)
            continue;
        OrtKeyValuePairs *metadata = NULL, *options = NULL;
        ORT(TestCreateKeyValuePairsFn, ORT_SLOT_CreateKeyValuePairs)(&metadata);
        ORT(TestCreateKeyValuePairsFn, ORT_SLOT_CreateKeyValuePairs)(&options);
        TestAddKeyValuePairFn add = ORT(TestAddKeyValuePairFn, ORT_SLOT_AddKeyValuePair);
        add(metadata, "test_ep.version", TEST_EP_VERSION);
        add(metadata, "test_ep.ops", "Mul,Add");
        add(options, "ops", "Mul,Add");
        OrtEpDevice *ep_device = NULL;
        OrtStatus *status = ((TestCreateEpDeviceFn)g_ep_api[EP_SLOT_CreateEpDevice])(self, devices[i], metadata,
                                                                                     options, &ep_device);
        ORT(TestReleaseKeyValuePairsFn, ORT_SLOT_ReleaseKeyValuePairs)(metadata);
        ORT(TestReleaseKeyValuePairsFn, ORT_SLOT_ReleaseKeyValuePairs)(options);
        if (status != NULL) return status;
        ep_devices[(*ep_device_count)++] = ep_device;
    }
    return NULL;
}

/// Reads session config entry `key` into `out` (empty when absent); false when it does not fit.
static bool config_entry(const OrtSessionOptions *options, const char *key, char *out, size_t size) {
    out[0] = 0;
    int present = 0;
    OrtStatus *status = ORT(TestHasSessionConfigEntryFn, ORT_SLOT_HasSessionConfigEntry)(options, key, &present);
    if (status != NULL) {
        ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
        return true;
    }
    if (!present) return true;
    size_t length = size;
    status = ORT(TestGetSessionConfigEntryFn, ORT_SLOT_GetSessionConfigEntry)(options, key, out, &length);
    if (status != NULL) {
        ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
        out[0] = 0;
        return false;
    }
    return true;
}

/// Reads the EP option `key` (session config `ep.swifttestep.<key>`, or `ep.SwiftTestEP.<key>`).
static bool ep_option(const OrtSessionOptions *options, const char *key, char *out, size_t size, bool *present) {
    char full[256];
    const char *prefixes[2] = {"ep.swifttestep.", "ep." TEST_EP_NAME "."};
    for (size_t i = 0; i < 2; i++) {
        snprintf(full, sizeof(full), "%s%s", prefixes[i], key);
        int has = 0;
        OrtStatus *status = ORT(TestHasSessionConfigEntryFn, ORT_SLOT_HasSessionConfigEntry)(options, full, &has);
        if (status != NULL) {
            ORT(TestReleaseStatusFn, ORT_SLOT_ReleaseStatus)(status);
            continue;
        }
        if (has) {
            *present = true;
            return config_entry(options, full, out, size);
        }
    }
    *present = false;
    out[0] = 0;
    return true;
}

static OrtStatus *factory_create_ep(TestOrtEpFactory *self, const OrtHardwareDevice *const *devices,
                                    const OrtKeyValuePairs *const *metadata, size_t device_count,
                                    const OrtSessionOptions *session_options, const OrtLogger *logger,
                                    TestOrtEp **out) {
    (void)self;
    (void)devices;
    (void)metadata;
    (void)logger;
    *out = NULL;
    if (device_count == 0) return make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: no device selected%s", "");
    char value[1024];
    bool present = false;
    if (!ep_option(session_options, "fail", value, sizeof(value), &present))
        return make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: option 'fail' is too long%s", "");
    if (present && strcmp(value, "create") == 0)
        return make_error(TEST_ORT_EP_FAIL, "SwiftTestEP: CreateEp failed because the option fail=create was set%s",
                          "");
    TestEp *ep = calloc(1, sizeof(TestEp));
    if (ep == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    ep->claim_mul = ep->claim_add = true;
    if (!ep_option(session_options, "ops", value, sizeof(value), &present)) {
        free(ep);
        return make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: option 'ops' is too long%s", "");
    }
    if (present) {
        ep->claim_mul = ep->claim_add = false;
        char *save = NULL;
        for (char *op = strtok_r(value, ",", &save); op != NULL; op = strtok_r(NULL, ",", &save)) {
            if (strcmp(op, "Mul") == 0) {
                ep->claim_mul = true;
            } else if (strcmp(op, "Add") == 0) {
                ep->claim_add = true;
            } else {
                free(ep);
                return make_error(TEST_ORT_INVALID_ARGUMENT,
                                  "SwiftTestEP: option ops names '%s'; expected a comma-separated list of Mul and Add",
                                  op);
            }
        }
    }
    config_entry(session_options, "ep.context_enable", value, sizeof(value));
    ep->context_enable = strcmp(value, "1") == 0;
    config_entry(session_options, "ep.context_embed_mode", value, sizeof(value));
    ep->embed_mode = strcmp(value, "0") == 0 ? 0 : 1;
    if (!config_entry(session_options, "ep.context_file_path", ep->context_file_path,
                      sizeof(ep->context_file_path))) {
        free(ep);
        return make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: ep.context_file_path is too long%s", "");
    }
    ep->base.ort_version_supported = TEST_EP_STRUCT_VERSION;
    ep->base.GetName = ep_get_name;
    ep->base.GetCapability = ep_get_capability;
    ep->base.Compile = ep_compile;
    ep->base.ReleaseNodeComputeInfos = ep_release_compute_infos;
    ep->base.GetCompiledModelCompatibilityInfo = ep_compatibility_info;
    *out = &ep->base;
    return NULL;
}

static void factory_release_ep(TestOrtEpFactory *self, TestOrtEp *ep) {
    (void)self;
    free(ep);
}

static OrtStatus *factory_validate_compatibility(TestOrtEpFactory *self, const OrtHardwareDevice *const *devices,
                                                 size_t device_count, const char *info, int *compatibility) {
    (void)self;
    (void)devices;
    (void)device_count;
    *compatibility = info != NULL && strcmp(info, TEST_EP_COMPATIBILITY) == 0 ? TEST_ORT_COMPILED_MODEL_SUPPORTED_OPTIMAL
                                                                             : TEST_ORT_COMPILED_MODEL_UNSUPPORTED;
    return NULL;
}

static OrtStatus *factory_create_allocator(TestOrtEpFactory *self, const OrtMemoryInfo *info,
                                           const OrtKeyValuePairs *options, OrtAllocator **out) {
    (void)self;
    (void)info;
    (void)options;
    *out = NULL;  // ORT's CPU allocator
    return NULL;
}

static void factory_release_allocator(TestOrtEpFactory *self, OrtAllocator *allocator) {
    (void)self;
    (void)allocator;
}

static OrtStatus *factory_create_data_transfer(TestOrtEpFactory *self, OrtDataTransferImpl **out) {
    (void)self;
    *out = NULL;  // CPU memory only: nothing to copy
    return NULL;
}

static bool factory_is_stream_aware(const TestOrtEpFactory *self) {
    (void)self;
    return false;
}

static OrtStatus *factory_create_sync_stream(TestOrtEpFactory *self, const OrtMemoryDevice *device,
                                             const OrtKeyValuePairs *options, OrtSyncStreamImpl **out) {
    (void)self;
    (void)device;
    (void)options;
    *out = NULL;
    return NULL;
}

// MARK: - Library entry points

TEST_EP_EXPORT OrtStatus *CreateEpFactories(const char *registered_name, const OrtApiBase *api_base,
                                            const OrtLogger *logger, TestOrtEpFactory **factories,
                                            size_t max_factories, size_t *factory_count) {
    (void)registered_name;
    (void)logger;
    *factory_count = 0;
    const void *const *ort = (const void *const *)api_base->GetApi(TEST_EP_ORT_API_VERSION);
    if (ort == NULL) return NULL;  // a runtime older than 1.24: offer no factory
    g_ort = ort;
    g_ep_api = (const void *const *)ORT(TestGetEpApiFn, ORT_SLOT_GetEpApi)();
    g_editor = (const void *const *)ORT(TestGetModelEditorApiFn, ORT_SLOT_GetModelEditorApi)();
    if (g_ep_api == NULL || g_editor == NULL)
        return make_error(TEST_ORT_NOT_IMPLEMENTED, "SwiftTestEP: this runtime has no EP or model editor API%s", "");
    if (max_factories < 1) return make_error(TEST_ORT_INVALID_ARGUMENT, "SwiftTestEP: no room for a factory%s", "");
    TestEpFactory *factory = calloc(1, sizeof(TestEpFactory));
    if (factory == NULL) return make_error(TEST_ORT_FAIL, "SwiftTestEP: out of memory%s", "");
    factory->base.ort_version_supported = TEST_EP_STRUCT_VERSION;
    factory->base.GetName = factory_get_name;
    factory->base.GetVendor = factory_get_vendor;
    factory->base.GetSupportedDevices = factory_get_supported_devices;
    factory->base.CreateEp = factory_create_ep;
    factory->base.ReleaseEp = factory_release_ep;
    factory->base.GetVendorId = factory_get_vendor_id;
    factory->base.GetVersion = factory_get_version;
    factory->base.ValidateCompiledModelCompatibilityInfo = factory_validate_compatibility;
    factory->base.CreateAllocator = factory_create_allocator;
    factory->base.ReleaseAllocator = factory_release_allocator;
    factory->base.CreateDataTransfer = factory_create_data_transfer;
    factory->base.IsStreamAware = factory_is_stream_aware;
    factory->base.CreateSyncStreamForDevice = factory_create_sync_stream;
    factories[0] = &factory->base;
    *factory_count = 1;
    return NULL;
}

TEST_EP_EXPORT OrtStatus *ReleaseEpFactory(TestOrtEpFactory *factory) {
    free(factory);
    return NULL;
}
