// Empty: the declarations are in include/CZlib.h. SwiftPM needs one source file for a C target.
