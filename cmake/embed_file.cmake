# Writes OUT, a C file defining the bytes of IN as `ng_default_model` and its length as
# `ng_default_model_len` (0 when IN does not exist). Run with cmake -DIN=... -DOUT=... -P.
if(EXISTS "${IN}")
  file(READ "${IN}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR len "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
else()
  set(len 0)
  set(bytes "0")
endif()
file(WRITE "${OUT}.new"
"/* Generated from models/default.ngm by cmake/embed_file.cmake: do not edit. */
#include <stddef.h>
const unsigned char ng_default_model[] = {
${bytes}};
const size_t ng_default_model_len = ${len};
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.new" "${OUT}")
file(REMOVE "${OUT}.new")
