/* stdio.h -- empty for lwIP's freestanding build: its diagnostics go
 * through LWIP_PLATFORM_DIAG (arch/cc.h). */
