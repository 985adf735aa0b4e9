// tlog-audit checks a live C2SP tlog-tiles log the way an outside auditor would,
// with Go's golang.org/x/mod sumdb packages and nothing of this project's code:
// the checkpoint's signature (note.Open), the root recomputed from the tiles
// (tlog.TileHashReader, tlog.TreeHash), every entry bundle against its level-0
// tile, and, given an earlier checkpoint, that the current tree extends it
// (tlog.ProveTree, tlog.CheckTree); given a dataset release's statement, that the
// statement is signed by the log's key and its release leaf, naming the same
// manifest hash, is an entry of the verified tree.
//
// Build offline against Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=$PWD/.go:/usr/share/gocode go build -o tlog-audit tests/tlog-audit/main.go
//
// Usage: tlog-audit -log URL -vkey VERIFIER_KEY [-old FILE] [-save FILE] [-release FILE]
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

// checkpoint is a verified C2SP checkpoint.
type checkpoint struct {
	origin string
	tree   tlog.Tree
}

func fetch(base, path string) ([]byte, error) {
	resp, err := http.Get(strings.TrimSuffix(base, "/") + "/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body, nil
}

// open verifies a checkpoint note with the log's key and parses its body.
func open(msg []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return checkpoint{}, fmt.Errorf("checkpoint body has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("tree size %q: %v", lines[1], err)
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("root hash %q: %v", lines[2], err)
	}
	return checkpoint{origin: lines[0], tree: tlog.Tree{N: size, Hash: root}}, nil
}

// tiles reads C2SP tiles: Go's tile path without its height element.
type tiles struct{ base string }

func (t tiles) Height() int { return height }

func c2spPath(tile tlog.Tile) string {
	p := tile.Path() // tile/8/<L>/<N>[.p/<W>], or tile/8/data/... for entries
	p = strings.Replace(p, fmt.Sprintf("tile/%d/", height), "tile/", 1)
	return strings.Replace(p, "tile/data/", "tile/entries/", 1)
}

func (t tiles) ReadTiles(list []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(list))
	for i, tile := range list {
		data, err := fetch(t.base, c2spPath(tile))
		if err != nil {
			return nil, err
		}
		if len(data) != tile.W*tlog.HashSize {
			return nil, fmt.Errorf("%s has %d bytes, want %d", c2spPath(tile), len(data), tile.W*tlog.HashSize)
		}
		out[i] = data
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

// entries splits a bundle of big-endian uint16 length-prefixed entries.
func entries(bundle []byte) ([][]byte, error) {
	var out [][]byte
	for len(bundle) > 0 {
		if len(bundle) < 2 {
			return nil, fmt.Errorf("truncated length")
		}
		n := int(binary.BigEndian.Uint16(bundle))
		if len(bundle) < 2+n {
			return nil, fmt.Errorf("truncated entry")
		}
		out = append(out, bundle[2:2+n])
		bundle = bundle[2+n:]
	}
	return out, nil
}

func run() error {
	base := flag.String("log", "", "the log's URL prefix (serving /checkpoint and /tile/...)")
	vkey := flag.String("vkey", "", "the log's verifier key")
	oldFile := flag.String("old", "", "an earlier checkpoint note the current tree must extend")
	save := flag.String("save", "", "write the checkpoint that was checked to this file")
	release := flag.String("release", "", "a dataset release's signed statement whose leaf must be in the tree")
	flag.Parse()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	msg, err := fetch(*base, "checkpoint")
	if err != nil {
		return err
	}
	cp, err := open(msg, verifier)
	if err != nil {
		return err
	}
	reader := tiles{*base}
	hashes := tlog.TileHashReader(cp.tree, reader)
	root, err := tlog.TreeHash(cp.tree.N, hashes)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %v", err)
	}
	if root != cp.tree.Hash {
		return fmt.Errorf("tiles hash to %v, the checkpoint says %v", root, cp.tree.Hash)
	}
	checked := 0
	var all [][]byte
	for n := int64(0); n*256 < cp.tree.N; n++ {
		w := cp.tree.N - n*256
		if w > 256 {
			w = 256
		}
		level0 := tlog.Tile{H: height, L: 0, N: n, W: int(w)}
		data := tlog.Tile{H: height, L: -1, N: n, W: int(w)}
		bundle, err := fetch(*base, c2spPath(data))
		if err != nil {
			return err
		}
		list, err := entries(bundle)
		if err != nil || int64(len(list)) != w {
			return fmt.Errorf("%s: want %d entries (%v)", c2spPath(data), w, err)
		}
		tile, err := reader.ReadTiles([]tlog.Tile{level0})
		if err != nil {
			return err
		}
		// The level-0 tile itself must be the one in the authenticated tree.
		want, err := tlog.ReadTileData(level0, hashes)
		if err != nil || !bytes.Equal(want, tile[0]) {
			return fmt.Errorf("%s is not the tile of the signed tree (%v)", c2spPath(level0), err)
		}
		for i, e := range list {
			h := tlog.RecordHash(e)
			if !bytes.Equal(h[:], tile[0][i*tlog.HashSize:(i+1)*tlog.HashSize]) {
				return fmt.Errorf("entry %d does not hash to its leaf", n*256+int64(i))
			}
			checked++
		}
		all = append(all, list...)
	}
	fmt.Printf("checkpoint %s size %d root %s: signature, tiles and %d entries verified\n",
		cp.origin, cp.tree.N, base64.StdEncoding.EncodeToString(cp.tree.Hash[:]), checked)
	if *oldFile != "" {
		oldMsg, err := os.ReadFile(*oldFile)
		if err != nil {
			return err
		}
		old, err := open(oldMsg, verifier)
		if err != nil {
			return fmt.Errorf("old %v", err)
		}
		proof, err := tlog.ProveTree(cp.tree.N, old.tree.N, hashes)
		if err != nil {
			return fmt.Errorf("consistency proof %d -> %d: %v", old.tree.N, cp.tree.N, err)
		}
		if err := tlog.CheckTree(proof, cp.tree.N, cp.tree.Hash, old.tree.N, old.tree.Hash); err != nil {
			return fmt.Errorf("the tree of size %d does not extend the checkpoint of size %d: %v", cp.tree.N, old.tree.N, err)
		}
		fmt.Printf("consistent with the checkpoint of size %d\n", old.tree.N)
	}
	if *release != "" {
		if err := checkRelease(*release, verifier, all); err != nil {
			return err
		}
	}
	if *save != "" {
		return os.WriteFile(*save, msg, 0o644)
	}
	return nil
}

// checkRelease opens a release statement with the log's key and finds the release
// leaf naming its manifest among the tree's verified entries.
func checkRelease(file string, verifier note.Verifier, all [][]byte) error {
	msg, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("release statement signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 6 || lines[1] != "tds-release/v1" || !strings.HasPrefix(lines[2], "release ") || !strings.HasPrefix(lines[5], "manifest ") {
		return fmt.Errorf("not a tds-release/v1 statement: %q", n.Text)
	}
	number := strings.SplitN(strings.TrimPrefix(lines[2], "release "), " ", 2)[0]
	for i, e := range all {
		want := fmt.Sprintf("tds-release/v1\n%d\nrelease %s\n%s\n", i, number, lines[5])
		if strings.HasPrefix(string(e), want) {
			fmt.Printf("release %s: statement signed by %s, leaf %d in the tree names its %s\n", number, n.Sigs[0].Name, i, lines[5])
			return nil
		}
	}
	return fmt.Errorf("no leaf of the tree is release %s's naming its %s", number, lines[5])
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tlog-audit:", err)
		os.Exit(1)
	}
}
