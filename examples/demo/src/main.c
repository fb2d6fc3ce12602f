#include <stdio.h>
#include <string.h>

#include "demo.h"

int parse_args(int argc, char **argv, int *verbose, const char **text)
{
	*verbose = 0;
	*text = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			(*verbose)++;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0' && !is_digit(argv[i][1])) {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			return -1;
		} else if (*text == NULL) {
			*text = argv[i];
		} else {
			fprintf(stderr, "one expression only\n");
			return -1;
		}
	}
	return *text ? 0 : -1;
}

int main(int argc, char **argv)
{
	int verbose, err;
	const char *text;
	if (parse_args(argc, argv, &verbose, &text) != 0)
		return 2;
	long v = eval(text, &err);
	if (err) {
		fprintf(stderr, err == 2 ? "division by zero\n" : "syntax error\n");
		return 1;
	}
	if (verbose)
		printf("%s = ", text);
	printf("%ld\n", v);
	return 0;
}
