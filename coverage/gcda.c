/* gcda.c: tells whether a .gcda file counted anything, without gcov. Most
 * per-test .gcda files of a project are all zeros (an object linked into
 * the test executable that the test never enters); skipping gcov for
 * them is most of `cxscan record`'s speed.
 *
 * The format (gcc's gcov-io.h): 32-bit words in the writer's byte order.
 * A header of magic "gcda" (read as the word 0x67636461; byte-swapped when
 * the file comes from a machine of the other order), version, stamp and
 * (gcc 12 and later) checksum, then records: tag, length (in bytes from
 * gcc 12, in words before), payload; a zero word ends them.
 * Counter records have tags 0x01a10000 + k * 0x20000; their payload is
 * 64-bit counts as two words (low first). gcc 12 writes a record whose
 * counters are all zero as a negative length (-8 * count) and no payload. */
#include <string.h>

#include "cx_gcda.h"

#define GCDA_MAGIC 0x67636461u
#define TAG_COUNTER_FIRST 0x01a10000u
#define TAG_COUNTER_END 0x01c00000u

static uint32_t word(const uint8_t *p, bool swap)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return swap ? __builtin_bswap32(w) : w;
}

/* The header: the byte order (*swap), its size in bytes (*header) and the
 * unit of a record's length (*unit: 1 byte from gcc 12, a word before).
 * -1 when data is no .gcda file or too short for its header. */
static int read_header(const uint8_t *p, size_t len, bool *swap, size_t *header, size_t *unit)
{
	if (len < 12)
		return -1;
	uint32_t magic;
	memcpy(&magic, p, 4);
	*swap = magic != GCDA_MAGIC;
	if (*swap && __builtin_bswap32(magic) != GCDA_MAGIC)
		return -1;
	/* the header: 4 words from gcc 12 (a checksum), 3 before; the version
	 * word says which ("B22*" is 12.2: the major is 'A' + tens, digit) */
	uint32_t version = word(p + 4, *swap);
	unsigned major = ((version >> 24) - 'A') * 10 + (((version >> 16) & 0xff) - '0');
	bool gcc12 = major >= 12;
	*header = gcc12 ? 16 : 12;
	*unit = gcc12 ? 1 : 4;
	return len < *header ? -1 : 0;
}

static bool all_zero_bytes(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The record at *pp (which is before end): 1 when it counted nothing (*pp
 * moved past it), 0 when it holds a count that is not zero, -1 when it is
 * cut short. */
static int next_record(const uint8_t **pp, const uint8_t *end, bool swap, size_t unit)
{
	const uint8_t *p = *pp;
	if ((size_t)(end - p) < 8)
		return -1;
	uint32_t tag = word(p, swap), length = word(p + 4, swap);
	p += 8;
	bool counter = tag >= TAG_COUNTER_FIRST && tag < TAG_COUNTER_END;
	if (counter && (int32_t)length < 0 && unit == 1) {
		*pp = p; /* all zero, written compactly */
		return 1;
	}
	if (length > (size_t)(end - p) / unit)
		return -1;
	size_t n = (size_t)length * unit;
	if (counter && !all_zero_bytes(p, n))
		return 0;
	*pp = p + n;
	return 1;
}

int cx_gcda_all_zero(const void *data, size_t len)
{
	const uint8_t *p = data, *end = p + len;
	bool swap;
	size_t header, unit;
	if (read_header(p, len, &swap, &header, &unit))
		return -1;
	p += header;
	while (p < end) {
		/* a zero word ends the records */
		if ((size_t)(end - p) >= 4 && word(p, swap) == 0)
			return 1;
		int rc = next_record(&p, end, swap, unit);
		if (rc <= 0)
			return rc;
	}
	return 1;
}
