void v(void) { ; }
int f(void);
int g(int a, ...) { return a; }
int h() { }
