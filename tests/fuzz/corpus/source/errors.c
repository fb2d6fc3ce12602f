
int broken(int x) {
	if (x { return )
	switch (x) case 1: ;
	undeclared(x) ?: ;
