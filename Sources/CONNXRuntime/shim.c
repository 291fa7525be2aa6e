// The C target needs one translation unit; all declarations live in include/CONNXRuntime.h.
