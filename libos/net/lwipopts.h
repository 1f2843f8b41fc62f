/*
 * lwipopts.h -- Tandem's lwIP configuration (lwIP 2.1.3, Debian source).
 *
 * Model: NO_SYS=1 and the raw API.  Tandem is one CPU with cooperative
 * threads and interrupt handlers never call lwIP, so the stack needs no
 * locks or mailboxes: app threads (libos/net/sock*.c), the NICs' receive
 * threads (netif.c) and the "net" timer thread call lwIP directly.  The
 * one invariant: NOTHING BLOCKS OR YIELDS INSIDE AN lwIP CALL (callbacks
 * only queue data and call wakeup functions that merely make threads
 * runnable).  See docs/net.md for the measurements behind the sizes.
 */
#ifndef TANDEM_LWIPOPTS_H
#define TANDEM_LWIPOPTS_H

#define NO_SYS				1
#define LWIP_TIMERS			1
#define SYS_LIGHTWEIGHT_PROT		0
#define LWIP_NETCONN			0
#define LWIP_SOCKET			0
#define LWIP_NETIF_API			0

/* ---- memory: every pool comes from the heap, charged to a budget set
 * at start from guest memory (sys_arch.c: lnet_mem_*).  Exhaustion
 * fails an allocation cleanly (lwIP drops the frame / refuses the SYN)
 * instead of a compile-time pool running dry at 1,000 connections. */
#define MEM_LIBC_MALLOC			1
#define MEMP_MEM_MALLOC			1
#define MEM_ALIGNMENT			8
void	*lnet_mem_malloc(unsigned long);
void	*lnet_mem_calloc(unsigned long, unsigned long);
void	 lnet_mem_free(void *);
#define mem_clib_malloc			lnet_mem_malloc
#define mem_clib_calloc			lnet_mem_calloc
#define mem_clib_free			lnet_mem_free
/* a full Ethernet frame (and a VLAN tag) fits one pool pbuf */
#define PBUF_POOL_BUFSIZE		1536
#define PBUF_POOL_SIZE			1024	/* unused with MEMP_MEM_MALLOC */

/* ---- interfaces ---- */
#define LWIP_ETHERNET			1
#define LWIP_ARP			1
#define ARP_TABLE_SIZE			64
#define ARP_QUEUEING			1
#define ETHARP_TRUST_IP_MAC		0
#define LWIP_SINGLE_NETIF		0
#define LWIP_NETIF_HOSTNAME		1
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	0
#define LWIP_NETIF_LOOPBACK		1
#define LWIP_HAVE_LOOPIF		1
#define LWIP_LOOPBACK_MAX_PBUFS		0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0

/* ---- IPv4 ---- */
#define LWIP_IPV4			1
#define IP_FORWARD			0
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IP_REASS_MAX_PBUFS		64
#define LWIP_ICMP			1
#define LWIP_RAW			0
#define LWIP_IGMP			0
#define LWIP_AUTOIP			0
#define LWIP_DHCP			1
/* the ARP probe of an offered address costs seconds at boot; the
 * server (QEMU slirp, dnsmasq) already checks */
#define DHCP_DOES_ARP_CHECK		0
#define LWIP_DNS			1	/* only to keep DHCP's DNS servers */
#define DNS_MAX_SERVERS			2

/* ---- IPv6 ---- */
#define LWIP_IPV6			1
#define LWIP_IPV6_NUM_ADDRESSES		4	/* link-local, static, SLAAC */
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT	1
#define LWIP_IPV6_MLD			1
#define LWIP_IPV6_FRAG			1
#define LWIP_IPV6_REASS			1
/* 64-bit pointers do not fit the fragment header: copy it aside */
#define IPV6_FRAG_COPYHEADER		1
#define LWIP_IPV6_DHCP6			0
#define LWIP_ND6_NUM_NEIGHBORS		32
#define LWIP_ND6_NUM_DESTINATIONS	32
#define LWIP_ND6_ALLOW_RA_UPDATES	1

/* ---- UDP ---- */
#define LWIP_UDP			1
#define LWIP_UDPLITE			0

/* ---- TCP: sized for bulk throughput over a 1500-byte MTU and many
 * connections; memory is only used by data actually in flight or
 * unread, and the budget caps the total. ---- */
#define LWIP_TCP			1
#define TCP_MSS				1460
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			3
#ifndef TCP_WND			/* bench/netstack.sh varies these */
#define TCP_WND				(256 * 1024)
#endif
#ifndef TCP_SND_BUF
#define TCP_SND_BUF			(256 * 1024)
#endif
#define TCP_SND_QUEUELEN		((4 * TCP_SND_BUF) / TCP_MSS)
/* lwIP keeps the low-water mark in 16 bits */
#define TCP_SNDLOWAT	((TCP_SND_BUF / 4) < 32768 ? (TCP_SND_BUF / 4) : 32768)
#define TCP_SNDQUEUELOWAT		(TCP_SND_QUEUELEN / 4)
#define TCP_QUEUE_OOSEQ			1
#define TCP_OOSEQ_MAX_PBUFS		64
#define LWIP_TCP_SACK_OUT		1
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	0xff
#define LWIP_TCP_KEEPALIVE		1
#define SO_REUSE			1
#define LWIP_TCP_TIMESTAMPS		0
#define TCP_MSL				30000UL	/* TIME_WAIT 60 s, as Linux */
#define TCP_OVERSIZE			TCP_MSS
#define LWIP_CHECKSUM_ON_COPY		1
#define LWIP_CALLBACK_API		1
/* PCB counts: unlimited here (heap pools); the socket layer caps
 * sockets and listen backlogs cap half-open connections. */
#define MEMP_NUM_TCP_PCB		4096
#define MEMP_NUM_TCP_PCB_LISTEN		256
#define MEMP_NUM_UDP_PCB		256
#define MEMP_NUM_TCP_SEG		(8 * TCP_SND_QUEUELEN)
#define MEMP_NUM_REASSDATA		16
#define MEMP_NUM_ARP_QUEUE		64
#define MEMP_NUM_SYS_TIMEOUT		64

/* ---- checks and statistics ---- */
#define CHECKSUM_GEN_IP			1
#define CHECKSUM_GEN_UDP		1
#define CHECKSUM_GEN_TCP		1
#define CHECKSUM_CHECK_IP		1
#define CHECKSUM_CHECK_UDP		1
#define CHECKSUM_CHECK_TCP		1
/* 8 bytes per iteration instead of lwIP's 2 (libos/net/chksum.c) */
unsigned short lnet_chksum(const void *, int);
#define LWIP_CHKSUM			lnet_chksum
#define LWIP_STATS			0
#define LWIP_PERF			0
#define LWIP_DEBUG			0

#endif /* TANDEM_LWIPOPTS_H */
