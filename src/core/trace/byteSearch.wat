;; Byte search for trace/byteSearch.ts, 16 bytes at a time with WebAssembly SIMD, 64 at a time where none is a candidate
;; (Buffer.indexOf took most of a trace's time: about 2 GB/s for an ID of 10 bytes; then 13 GB/s, and 38 GB/s with one
;; test for 64 places). The bytes searched are in this module's memory, where byteSearch.ts
;; copies them. Compiled to byteSearchWasm.ts by `node scripts/build-wasm.mjs`.
(module
  (memory (export "memory") 1)

  ;; The first offset in [from, to) where the m bytes at `needle` start (m >= 1), or -1. A candidate is a place whose
  ;; first and last bytes are the needle's, found for 16 places with two comparisons; only candidates are compared byte
  ;; by byte. Reads nothing outside [from, to) and the needle.
  (func (export "find") (param $from i32) (param $to i32) (param $needle i32) (param $m i32) (result i32)
    (local $first v128) (local $last v128) (local $lastAt i32) (local $i i32) (local $mask i32) (local $at i32) (local $k i32) (local $tail i32)
    (if (i32.gt_s (local.get $m) (i32.sub (local.get $to) (local.get $from))) (then (return (i32.const -1))))
    (local.set $lastAt (i32.sub (local.get $m) (i32.const 1)))
    (local.set $first (i8x16.splat (i32.load8_u (local.get $needle))))
    (local.set $last (i8x16.splat (i32.load8_u (i32.add (local.get $needle) (local.get $lastAt)))))
    (local.set $i (local.get $from))
    (block $blocksDone
      (loop $blocks
        ;; 64 places without a candidate are passed with one test (most have none: a third of the time of testing
        ;; each 16), while the last byte of the 64th place is inside the range.
        (block $narrow
          (loop $wide
            (local.set $tail (i32.add (local.get $i) (local.get $lastAt)))
            (br_if $narrow (i32.gt_s (i32.add (local.get $tail) (i32.const 64)) (local.get $to)))
            (br_if $narrow (v128.any_true (v128.or
              (v128.or
                (v128.and
                  (i8x16.eq (v128.load (local.get $i)) (local.get $first))
                  (i8x16.eq (v128.load (local.get $tail)) (local.get $last)))
                (v128.and
                  (i8x16.eq (v128.load offset=16 (local.get $i)) (local.get $first))
                  (i8x16.eq (v128.load offset=16 (local.get $tail)) (local.get $last))))
              (v128.or
                (v128.and
                  (i8x16.eq (v128.load offset=32 (local.get $i)) (local.get $first))
                  (i8x16.eq (v128.load offset=32 (local.get $tail)) (local.get $last)))
                (v128.and
                  (i8x16.eq (v128.load offset=48 (local.get $i)) (local.get $first))
                  (i8x16.eq (v128.load offset=48 (local.get $tail)) (local.get $last)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $wide)))
        ;; Then 16 places, their candidates one by one, while the last byte of the 16th is inside the range.
        (br_if $blocksDone (i32.gt_s (i32.add (i32.add (local.get $i) (local.get $lastAt)) (i32.const 16)) (local.get $to)))
        (local.set $mask (i8x16.bitmask (v128.and
          (i8x16.eq (v128.load (local.get $i)) (local.get $first))
          (i8x16.eq (v128.load (i32.add (local.get $i) (local.get $lastAt))) (local.get $last)))))
        (block $candidatesDone
          (loop $candidates
            (br_if $candidatesDone (i32.eqz (local.get $mask)))
            (local.set $at (i32.add (local.get $i) (i32.ctz (local.get $mask))))
            (local.set $k (i32.const 1))
            (block $differs
              (loop $bytes
                (if (i32.ge_s (local.get $k) (local.get $lastAt)) (then (return (local.get $at))))
                (br_if $differs (i32.ne (i32.load8_u (i32.add (local.get $at) (local.get $k)))
                                        (i32.load8_u (i32.add (local.get $needle) (local.get $k)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $bytes)))
            (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
            (br $candidates)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    ;; The last places, one at a time.
    (block $placesDone
      (loop $places
        (br_if $placesDone (i32.gt_s (i32.add (local.get $i) (local.get $m)) (local.get $to)))
        (local.set $k (i32.const 0))
        (block $differs
          (loop $bytes
            (if (i32.ge_s (local.get $k) (local.get $m)) (then (return (local.get $i))))
            (br_if $differs (i32.ne (i32.load8_u (i32.add (local.get $i) (local.get $k)))
                                    (i32.load8_u (i32.add (local.get $needle) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $places)))
    (i32.const -1))

  ;; How many of the bytes in [from, to) are `byte`. Each of 16 byte-wide counters takes at most 255 blocks before
  ;; they are added up.
  (func (export "count") (param $from i32) (param $to i32) (param $byte i32) (result i32)
    (local $wanted v128) (local $counters v128) (local $sums v128) (local $i i32) (local $stop i32) (local $total i32)
    (local.set $wanted (i8x16.splat (local.get $byte)))
    (local.set $i (local.get $from))
    (block $blocksDone
      (loop $rounds
        (br_if $blocksDone (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $to)))
        ;; This round's end: 255 blocks on, or the last whole block.
        (local.set $stop (i32.add (local.get $i) (i32.const 4080)))
        (if (i32.gt_s (local.get $stop) (i32.sub (local.get $to) (i32.const 16)))
          (then (local.set $stop (i32.sub (local.get $to) (i32.const 16)))))
        (local.set $counters (v128.const i32x4 0 0 0 0))
        (loop $blocks
          ;; A lane that holds the byte compares to -1: subtracting it adds 1.
          (local.set $counters (i8x16.sub (local.get $counters) (i8x16.eq (v128.load (local.get $i)) (local.get $wanted))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br_if $blocks (i32.le_s (local.get $i) (local.get $stop))))
        (local.set $sums (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $counters))))
        (local.set $total (i32.add (local.get $total) (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $sums)) (i32x4.extract_lane 1 (local.get $sums)))
          (i32.add (i32x4.extract_lane 2 (local.get $sums)) (i32x4.extract_lane 3 (local.get $sums))))))
        (br $rounds)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_s (local.get $i) (local.get $to)))
        (if (i32.eq (i32.load8_u (local.get $i)) (local.get $byte)) (then (local.set $total (i32.add (local.get $total) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest)))
    (local.get $total)))
