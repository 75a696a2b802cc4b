/* lora_base64.h — standard base64 (RFC 4648, '+' '/', '=' padding) for LoRa payloads.
 *
 * Decoding is strict: only the alphabet, padding only at the end, length a multiple
 * of 4 once padded (unpadded input is accepted when its length is 2 or 3 mod 4);
 * anything else returns -1 and writes nothing past out_cap. */
#ifndef NG_CAPTURE_LORA_BASE64_H
#define NG_CAPTURE_LORA_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Decode len characters into out (cap bytes); returns the byte count or -1. */
long ng_base64_decode(const char *in, size_t len, uint8_t *out, size_t out_cap);
/* Encode n bytes with padding into out (>= 4*ceil(n/3)+1 bytes, NUL-terminated);
 * returns the character count. */
size_t ng_base64_encode(const uint8_t *in, size_t n, char *out);

#endif
