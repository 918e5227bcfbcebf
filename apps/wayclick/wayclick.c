/*
 * wayclick: a small Wayland client speaking the wire protocol itself (no
 * libwayland; Debian ships no static one). It connects to
 * $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY, binds wl_compositor, wl_shm, wl_seat and
 * xdg_wm_base, opens an xdg_toplevel titled "wayclick" showing a checkerboard
 * drawn into a memfd (memfd_create + ftruncate + mmap MAP_SHARED, passed to the
 * compositor with SCM_RIGHTS), answers configure and ping, and exits 0 when the
 * left button is pressed on its surface.
 *
 * Usage: wayclick [timeout-seconds]   (default 60)
 * Exit: 0 clicked; 1 usage or setup failure; 2 protocol error from the
 * compositor; 3 disconnected; 4 timed out. Each failure says what happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define WIDTH 240
#define HEIGHT 160
#define STRIDE (WIDTH * 4)
#define TILE 16
/* The checkerboard's two colours (XRGB8888); tests look for them on screen. */
#define COLOR_A 0xff2040c0u
#define COLOR_B 0xffe0a000u
#define BTN_LEFT 0x110

/* Object ids: the client allocates from 1 up (wl_display is 1). */
enum { DISPLAY = 1, REGISTRY, SYNC_CB, COMPOSITOR, SHM, SEAT, WM_BASE, POINTER, SURFACE, XDG_SURFACE, TOPLEVEL, POOL, BUFFER };

static int sock = -1;

static void die(int status, const char *fmt, const char *arg) {
  fprintf(stderr, "wayclick: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  exit(status);
}

/* ---- requests ---------------------------------------------------------- */

static uint32_t out[256];
static size_t out_len;

static void begin(uint32_t id) { out[0] = id; out_len = 2; }
static void put_u32(uint32_t v) { out[out_len++] = v; }
static void put_str(const char *s) {
  uint32_t n = (uint32_t)strlen(s) + 1;
  put_u32(n);
  memset(&out[out_len], 0, (n + 3) & ~3u);
  memcpy(&out[out_len], s, n);
  out_len += (n + 3) / 4;
}

/* Send the message started with begin() as request `opcode`, with `fd` in SCM_RIGHTS when >= 0. */
static void finish(uint16_t opcode, int fd) {
  out[1] = (uint32_t)(out_len * 4) << 16 | opcode;
  struct iovec iov = { out, out_len * 4 };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
  char ctl[CMSG_SPACE(sizeof(int))];
  if (fd >= 0) {
    memset(ctl, 0, sizeof ctl);
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  if (sendmsg(sock, &m, MSG_NOSIGNAL) != (ssize_t)(out_len * 4)) die(3, "sending a request: %s", strerror(errno));
}

static void request0(uint32_t id, uint16_t op) { begin(id); finish(op, -1); }
static void request1(uint32_t id, uint16_t op, uint32_t a) { begin(id); put_u32(a); finish(op, -1); }
static void bind_global(uint32_t name, const char *iface, uint32_t version, uint32_t id) {
  begin(REGISTRY); put_u32(name); put_str(iface); put_u32(version); put_u32(id); finish(0, -1);
}

/* ---- the buffer -------------------------------------------------------- */

static void create_buffer(void) {
  size_t size = (size_t)STRIDE * HEIGHT;
  int fd = memfd_create("wayclick", MFD_CLOEXEC);
  if (fd < 0) die(1, "memfd_create: %s", strerror(errno));
  if (ftruncate(fd, (off_t)size) < 0) die(1, "ftruncate: %s", strerror(errno));
  uint32_t *px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (px == MAP_FAILED) die(1, "mmap MAP_SHARED: %s", strerror(errno));
  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++) px[y * WIDTH + x] = ((x / TILE + y / TILE) & 1) ? COLOR_B : COLOR_A;
  begin(SHM); put_u32(POOL); put_u32((uint32_t)size); finish(0, fd);            /* wl_shm.create_pool(id, fd, size) */
  close(fd);   /* the compositor has its own reference now; the mapping stays */
  begin(POOL); put_u32(BUFFER); put_u32(0); put_u32(WIDTH); put_u32(HEIGHT); put_u32(STRIDE); put_u32(1 /* xrgb8888 */);
  finish(0, -1);                                                                 /* wl_shm_pool.create_buffer */
  begin(SURFACE); put_u32(BUFFER); put_u32(0); put_u32(0); finish(1, -1);       /* wl_surface.attach */
  begin(SURFACE); put_u32(0); put_u32(0); put_u32(WIDTH); put_u32(HEIGHT); finish(2, -1);   /* wl_surface.damage */
  request0(SURFACE, 6);                                                          /* wl_surface.commit */
}

/* ---- events ------------------------------------------------------------ */

static uint32_t g_compositor, g_shm, g_seat, g_wm, seat_version;
static int synced, shown;
static double px_x, px_y;

static const char *str_arg(const uint32_t *a) { return (const char *)(a + 1); }

static void event(uint32_t id, uint16_t op, const uint32_t *a, size_t words) {
  (void)words;
  if (id == DISPLAY && op == 0) {                   /* wl_display.error(object, code, message) */
    char m[512];
    snprintf(m, sizeof m, "on object %u, code %u: %.400s", a[0], a[1], str_arg(a + 2));
    die(2, "protocol error %s", m);
  } else if (id == REGISTRY && op == 0) {           /* wl_registry.global(name, interface, version) */
    const char *iface = str_arg(a + 1);
    uint32_t version = a[2 + (a[1] + 3) / 4];
    if (!strcmp(iface, "wl_compositor")) g_compositor = a[0];
    else if (!strcmp(iface, "wl_shm")) g_shm = a[0];
    else if (!strcmp(iface, "xdg_wm_base")) g_wm = a[0];
    else if (!strcmp(iface, "wl_seat")) { g_seat = a[0]; seat_version = version < 5 ? version : 5; }
  } else if (id == SYNC_CB && op == 0) {
    synced = 1;
  } else if (id == WM_BASE && op == 0) {            /* xdg_wm_base.ping(serial) -> pong */
    request1(WM_BASE, 3, a[0]);
  } else if (id == XDG_SURFACE && op == 0) {        /* xdg_surface.configure(serial) -> ack, then draw once */
    request1(XDG_SURFACE, 4, a[0]);
    if (!shown) {
      create_buffer();
      shown = 1;
      printf("wayclick: window %dx%d shown\n", WIDTH, HEIGHT);
      fflush(stdout);
    }
  } else if (id == TOPLEVEL && op == 1) {           /* xdg_toplevel.close */
    die(3, "%s", "the compositor closed the window");
  } else if (id == POINTER && (op == 0 || op == 2)) { /* enter(serial, surface, x, y) / motion(time, x, y) */
    const uint32_t *xy = op == 0 ? a + 2 : a + 1;
    px_x = (int32_t)xy[0] / 256.0;
    px_y = (int32_t)xy[1] / 256.0;
  } else if (id == POINTER && op == 3) {            /* button(serial, time, button, state) */
    if (a[2] == BTN_LEFT && a[3] == 1) {
      printf("wayclick: clicked at %.0f,%.0f\n", px_x, px_y);
      exit(0);
    }
  }
}

static uint8_t in[65536];
static size_t in_len;

/* Read what the compositor sent and dispatch every whole message; waits up to `ms`. */
static void pump(int ms) {
  struct pollfd p = { sock, POLLIN, 0 };
  int r = poll(&p, 1, ms);
  if (r < 0 && errno != EINTR) die(3, "poll: %s", strerror(errno));
  if (r <= 0) return;
  ssize_t n = recv(sock, in + in_len, sizeof in - in_len, 0);
  if (n == 0) die(3, "%s", "the compositor disconnected");
  if (n < 0) { if (errno == EINTR || errno == EAGAIN) return; die(3, "recv: %s", strerror(errno)); }
  in_len += (size_t)n;
  size_t at = 0;
  while (in_len - at >= 8) {
    uint32_t hdr[2];
    memcpy(hdr, in + at, 8);
    uint32_t size = hdr[1] >> 16;
    if (size < 8 || size % 4 || size > 8 + sizeof(uint32_t) * 1024) die(3, "%s", "malformed event from the compositor");
    if (in_len - at < size) break;
    static uint32_t args[1024];
    memcpy(args, in + at + 8, size - 8);
    event(hdr[0], (uint16_t)(hdr[1] & 0xffff), args, (size - 8) / 4);
    at += size;
  }
  memmove(in, in + at, in_len - at);
  in_len -= at;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  double timeout = argc > 1 ? atof(argv[1]) : 60;
  if (argc > 2 || timeout <= 0) die(1, "%s", "usage: wayclick [timeout-seconds]");
  const char *dir = getenv("XDG_RUNTIME_DIR"), *name = getenv("WAYLAND_DISPLAY");
  if (!name) name = "wayland-0";
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int len = name[0] == '/' ? snprintf(addr.sun_path, sizeof addr.sun_path, "%s", name)
                           : (dir ? snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", dir, name) : -1);
  if (len < 0) die(1, "%s", "XDG_RUNTIME_DIR is not set");
  if (len >= (int)sizeof addr.sun_path) die(1, "socket path too long: %s", addr.sun_path);
  sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) die(1, "socket: %s", strerror(errno));
  if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
    char m[200];
    snprintf(m, sizeof m, "connect %s: %s", addr.sun_path, strerror(errno));
    die(1, "%s", m);
  }
  double deadline = now() + timeout;
  request1(DISPLAY, 1, REGISTRY);                   /* wl_display.get_registry */
  request1(DISPLAY, 0, SYNC_CB);                    /* wl_display.sync: done after the globals */
  while (!synced && now() < deadline) pump(100);
  if (!g_compositor || !g_shm || !g_seat || !g_wm) die(1, "%s", "the compositor lacks one of wl_compositor, wl_shm, wl_seat, xdg_wm_base");
  bind_global(g_compositor, "wl_compositor", 1, COMPOSITOR);
  bind_global(g_shm, "wl_shm", 1, SHM);
  bind_global(g_seat, "wl_seat", seat_version, SEAT);
  bind_global(g_wm, "xdg_wm_base", 1, WM_BASE);
  request1(SEAT, 0, POINTER);                       /* wl_seat.get_pointer */
  request1(COMPOSITOR, 0, SURFACE);                 /* wl_compositor.create_surface */
  begin(WM_BASE); put_u32(XDG_SURFACE); put_u32(SURFACE); finish(2, -1);   /* xdg_wm_base.get_xdg_surface */
  request1(XDG_SURFACE, 1, TOPLEVEL);               /* xdg_surface.get_toplevel */
  begin(TOPLEVEL); put_str("wayclick"); finish(2, -1);                     /* xdg_toplevel.set_title */
  request0(SURFACE, 6);                             /* the initial commit: asks for a configure */
  while (now() < deadline) pump(100);
  char m[64];
  snprintf(m, sizeof m, "%g", timeout);
  die(4, "no click within %s s", m);
}
