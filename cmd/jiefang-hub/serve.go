package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

func runServe(ctx context.Context, e env, args []string) error {
	f := newFlags("serve", e)
	addr := f.fs.String("addr", ":8443", "监听地址 / listen address")
	certFile := f.fs.String("cert", "", "证书文件 / TLS certificate (default: made on first start in the state directory)")
	keyFile := f.fs.String("key", "", "证书私钥 / TLS key")
	hosts := f.fs.String("hosts", "", "生成证书时的主机名 / host names for a generated certificate (comma-separated)")
	insecure := f.fs.Bool("insecure-http", false, "明文 HTTP，仅限本机测试 / plain HTTP, loopback only, for tests")
	if err := f.parse(args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError(fmt.Sprintf("--addr %q: %v", *addr, err))
	}
	if *insecure && !protocol.IsLoopback(host) {
		return usageError("--insecure-http 只能监听本机地址（127.0.0.1）")
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	blobs, err := hub.OpenBlobStore(f.blobDir())
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	h.SetLog(log) // breadth screening after pushes: escalations written, failures
	h.WarmScreening(ctx)
	handler, err := hub.NewServer(h, blobs, log).Handler()
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	scheme := "http"
	if !*insecure {
		cf, kf := f.certFiles()
		if *certFile != "" {
			cf, kf = *certFile, *keyFile
		}
		cert, fp, err := hub.Certificate(cf, kf, splitList(*hosts))
		if err != nil {
			ln.Close()
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
		fmt.Fprintf(e.stdout, "certificate SHA-256 %s\n", fp)
	}
	fmt.Fprintf(e.stdout, "serving %s://%s (%s, epoch %s)\n", scheme, ln.Addr(), h.Dialect(), h.Epoch())
	fmt.Fprintf(e.stdout, "statute pages, public: %s://%s%s\n", scheme, ln.Addr(), hub.StatutesPath)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}
