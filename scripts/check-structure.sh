#!/usr/bin/env bash
# The structure of the core and its adapters, checked from the source (see ARCHITECTURE.md):
#   1. no import cycle between the core's modules: the module graph is built from every
#      `crate::…` and `super::…` path in src-tauri/crates/core/src (test modules aside); a cycle
#      between top-level modules fails, and so does one between the submodules of a folder;
#   2. no adapter (src-tauri/src, src-tauri/crates/cli/src, src-tauri/crates/demo/src,
#      src-tauri/crates/relay/src) reaches the core's database, its
#      secret store, SQLite, the keyring or HTTP directly (`core.db`, `.secrets`, `rusqlite`,
#      `keyring`, `reqwest`): adapters call Core methods.
# The rules first prove themselves on bad input.
set -euo pipefail
cd "$(dirname "$0")/.."

# Usage: check_cycles <core src dir>. Prints each cycle; fails when there is one.
check_cycles() {
  perl -e '
    use strict; use warnings;
    use File::Find;
    my $root = shift;
    my (%file_of, %mods);
    find({ no_chdir => 1, wanted => sub {
      return unless /\.rs$/;
      my $rel = substr($File::Find::name, length($root) + 1);
      my $m = $rel;
      $m =~ s/\.rs$//;
      $m =~ s{(^|/)mod$}{};
      $m = "" if $m eq "lib";
      $m =~ s{/}{::}g;
      $file_of{$m} = $File::Find::name;
      $mods{$m} = 1;
    } }, $root);
    # Items the crate root re-exports, by the module that defines them.
    my %root_item = (Error => "error", Result => "error", ErrorCode => "error",
                     ErrorPayload => "error", Core => "service");

    sub expand {
      my ($prefix, $text) = @_;
      my @out;
      $text =~ s/^\s+|\s+$//g;
      if ($text =~ /^\{(.*)\}$/s) {
        my ($depth, $cur) = (0, "");
        for my $ch (split //, $1) {
          $depth++ if $ch eq "{";
          $depth-- if $ch eq "}";
          if ($ch eq "," && $depth == 0) { push @out, expand($prefix, $cur); $cur = ""; }
          else { $cur .= $ch; }
        }
        push @out, expand($prefix, $cur) if $cur =~ /\S/;
        return @out;
      }
      $text =~ s/\s+as\s+\w+$//;
      return () if $text eq "";
      if ($text =~ /^([\w:]*?)::(\{.*\})$/s) {
        return expand([@$prefix, grep { $_ ne "" } split /::/, $1], $2);
      }
      return ([@$prefix, grep { $_ ne "" && $_ ne "*" } split /::/, $text]);
    }

    my %edges;
    for my $m (sort keys %file_of) {
      open my $fh, "<", $file_of{$m} or die "$file_of{$m}: $!";
      my @lines = <$fh>;
      close $fh;
      my $code = "";
      for (my $i = 0; $i < @lines; $i++) {
        # A test-only module (#[cfg(test)] mod …) is not part of the structure.
        if ($lines[$i] =~ /^\s*#\[cfg\(test\)\]/ && ($lines[$i + 1] // "") =~ /^\s*(pub(\([\w:]+\))?\s+)?mod\s/) {
          my $depth = 0; my $opened = 0;
          for ($i++; $i < @lines; $i++) {
            my $l = $lines[$i];
            $l =~ s{(^|\s)//.*}{};
            $depth += () = $l =~ /\{/g;
            $opened = 1 if $depth > 0;
            $depth -= () = $l =~ /\}/g;
            last if $opened && $depth <= 0;
            last if !$opened && $l =~ /;\s*$/;
          }
          next;
        }
        my $l = $lines[$i];
        $l =~ s{(^|\s)//.*}{};
        $code .= $l;
      }
      my @self = $m eq "" ? () : split /::/, $m;
      my $is_dir = $file_of{$m} =~ m{/mod\.rs$} || $m eq "";
      while ($code =~ /\b((?:crate|(?:super::)*super)::)((?:\w+::)*(?:\{(?:[^{}]++|(?-1))*\}|\w+|\*))/g) {
        my ($head, $rest) = ($1, $2);
        my @base;
        if ($head eq "crate::") { @base = (); }
        else {
          my $ups = () = $head =~ /super::/g;
          # In a file module, `super` is the parent; in a folder module (mod.rs) as well.
          @base = @self;
          splice(@base, -$ups) if $ups <= @base;
          @base = () if $ups > @self;
        }
        for my $path (expand(\@base, $rest)) {
          my @p = @$path;
          my $target;
          for (my $n = @p; $n >= 0; $n--) {
            my $cand = join "::", @p[0 .. $n - 1];
            if ($n == 0) { $cand = ""; }
            if (exists $mods{$cand}) { $target = $cand; last; }
          }
          next unless defined $target;
          if ($target eq "") {
            my $item = $p[0] // "";
            next unless exists $root_item{$item};
            $target = $root_item{$item};
          }
          next if $target eq $m;
          $edges{$m}{$target} = 1;
        }
      }
    }

    # Cycles in a graph given as { node => { node => 1 } }; returns each cycle found as text.
    sub cycles {
      my ($g) = @_;
      my (%state, @stack, @found, %seen_cycle);
      my $visit;
      $visit = sub {
        my ($n) = @_;
        $state{$n} = 1; push @stack, $n;
        for my $t (sort keys %{ $g->{$n} || {} }) {
          if (($state{$t} // 0) == 1) {
            my @c; my $on = 0;
            for (@stack) { $on = 1 if $_ eq $t; push @c, $_ if $on; }
            my $key = join ",", sort @c;
            push @found, join(" -> ", @c, $t) unless $seen_cycle{$key}++;
          } elsif (!$state{$t}) { $visit->($t); }
        }
        pop @stack; $state{$n} = 2;
      };
      $visit->($_) for sort keys %$g;
      return @found;
    }

    my @problems;
    # 1. Top-level modules.
    my %top;
    for my $a (keys %edges) {
      for my $b (keys %{ $edges{$a} }) {
        my ($ta) = split /::/, $a; my ($tb) = split /::/, $b;
        next if !defined $ta || !defined $tb || $ta eq $tb;
        $top{$ta}{$tb} = 1;
      }
    }
    push @problems, map { "modules: $_" } cycles(\%top);
    # 2. The submodules of each folder.
    for my $folder (sort grep { my $f = $_; grep { /^\Q$f\E::/ } keys %mods } grep { $_ ne "" } keys %mods) {
      my %g;
      for my $a (keys %edges) {
        next unless $a =~ /^\Q$folder\E::(\w+)/; my $ca = $1;
        for my $b (keys %{ $edges{$a} }) {
          next unless $b =~ /^\Q$folder\E::(\w+)/; my $cb = $1;
          $g{$ca}{$cb} = 1 if $ca ne $cb;
        }
      }
      push @problems, map { "$folder/: $_" } cycles(\%g);
    }
    if (@problems) { print "import cycle: $_\n" for @problems; exit 1; }
    printf "core modules: %d, imports between them: %d, no cycle\n", scalar(keys %mods),
      scalar(map { keys %$_ } values %edges);
  ' "$1"
}

# Usage: check_adapters <files…>. Prints each line that reaches past the core; fails on one.
check_adapters() {
  perl -ne '
    BEGIN { $bad = 0 }
    my $l = $_;
    # A line may say why it is fine (e.g. the demo driving the simulator as the outside world).
    if ($l =~ m{//\s*structure-ok:\s*\S}) { close ARGV if eof; next; }
    $l =~ s{(^|\s)//.*}{};
    if ($l =~ /\bcore\s*\.\s*db\b|\.secrets\b|\b(rusqlite|keyring|reqwest)::|\buse\s+(rusqlite|keyring|reqwest)\b|\bextern\s+crate\s+(rusqlite|keyring|reqwest)\b/) {
      print "$ARGV:$.: $_";
      $bad = 1;
    }
    close ARGV if eof;
    END { exit $bad }
  ' "$@"
}

# Self-test: each rule must catch a bad input.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/core/feature" "$probe/adapter"
printf 'mod a;\nmod b;\nmod feature;\nmod error;\n' >"$probe/core/lib.rs"
printf 'use crate::b::Thing;\n' >"$probe/core/a.rs"
printf 'pub struct Thing;\npub fn f() { crate::a::g() }\n' >"$probe/core/b.rs"
printf 'pub struct Error;\n' >"$probe/core/error.rs"
printf 'mod x;\nmod y;\n' >"$probe/core/feature/mod.rs"
printf 'use super::y::Y;\npub struct X;\n' >"$probe/core/feature/x.rs"
printf 'use super::{x::X, super::error};\npub struct Y;\n' >"$probe/core/feature/y.rs"
out=$(check_cycles "$probe/core" || true)
if ! grep -q "modules: a -> b -> a" <<<"$out" || ! grep -q "feature/: x -> y -> x" <<<"$out"; then
  echo "check-structure: the cycle rule missed a cycle in the probe:" >&2
  echo "$out" >&2
  exit 1
fi
# The same probe without the cycles passes.
printf 'pub struct Thing;\n' >"$probe/core/b.rs"
printf 'use super::super::error::Error;\npub struct Y;\n' >"$probe/core/feature/y.rs"
if ! check_cycles "$probe/core" >/dev/null; then
  echo "check-structure: the cycle rule failed a probe without a cycle" >&2
  exit 1
fi
for bad in 'audit::list(&state.core.db, &filter)' 'let s = core.secrets.get("x");' \
  'use rusqlite::params;' 'let e = keyring::Entry::new("a", "b");' 'let c = reqwest::Client::new();'; do
  echo "    $bad" >"$probe/adapter/bad.rs"
  if check_adapters "$probe/adapter/bad.rs" >/dev/null; then
    echo "check-structure: the adapter rule did not catch: $bad" >&2
    exit 1
  fi
done

check_cycles src-tauri/crates/core/src
mapfile -t adapters < <(git ls-files -- 'src-tauri/src/*.rs' 'src-tauri/crates/cli/src/*.rs' 'src-tauri/crates/demo/src/*.rs' 'src-tauri/crates/relay/src/*.rs')
if ! check_adapters "${adapters[@]}"; then
  echo "An adapter reaches past the core (above): call a Core method instead." >&2
  exit 1
fi
echo "adapters: ${#adapters[@]} files call the core only"
