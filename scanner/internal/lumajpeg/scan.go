package lumajpeg

import "fmt"

// scan decodes the scan whose header is s and whose entropy-coded data
// starts at p, and returns the offset of the marker after it.
func (d *decoder) scan(s []byte, p int) (int, error) {
	if len(s) < 1 {
		return 0, fmt.Errorf("%w: empty scan header", ErrFormat)
	}
	ns := int(s[0])
	if ns < 1 || ns > len(d.comps) || len(s) != 4+2*ns {
		return 0, fmt.Errorf("%w: scan header for %d components", ErrFormat, ns)
	}
	for i := range d.comps {
		d.comps[i].inScan = false
	}
	order := make([]int, ns)
	hasY := false
	for i := range ns {
		id, tables := s[1+2*i], s[2+2*i]
		k := -1
		for j := range d.comps {
			if d.comps[j].id == id {
				k = j
			}
		}
		if k < 0 || d.comps[k].inScan {
			return 0, fmt.Errorf("%w: scan names component %d", ErrFormat, id)
		}
		c := &d.comps[k]
		c.inScan, c.td, c.ta = true, int(tables>>4), int(tables&15)
		if c.td > 3 || c.ta > 3 {
			return 0, fmt.Errorf("%w: scan Huffman table ids %d/%d", ErrFormat, c.td, c.ta)
		}
		order[i] = k
		hasY = hasY || k == 0
	}
	ss, se := int(s[1+2*ns]), int(s[2+2*ns])
	ah, al := uint(s[3+2*ns]>>4), uint(s[3+2*ns]&15)
	if d.progressive {
		if ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && ns != 1) || al > 13 || ah > 13 {
			return 0, fmt.Errorf("%w: progressive scan %d..%d, bits %d/%d", ErrFormat, ss, se, ah, al)
		}
	} else {
		ss, se, ah, al = 0, 63, 0, 0
	}
	end := d.skipEntropy(p)
	if end < 0 {
		return 0, fmt.Errorf("%w: truncated scan", ErrFormat)
	}
	if !hasY {
		// A chroma-only scan: nothing in it is needed, and nothing
		// in later scans depends on it.
		return end, nil
	}
	for _, k := range order {
		c := &d.comps[k]
		c.dcPred = 0
		needDC := ss == 0 && ah == 0
		needAC := se > 0 || !d.progressive
		if (needDC && !d.dc[c.td].defined) || (needAC && !d.ac[c.ta].defined) {
			return 0, fmt.Errorf("%w: scan uses an undefined Huffman table", ErrFormat)
		}
	}
	d.eobrun = 0
	br := &bitReader{data: d.data[:end], pos: p}
	var scratch [64 + 1]int32
	var q [64]int32
	if !d.progressive {
		q = d.dequant()
	}
	// block decodes one block of component k at block position bx, by.
	block := func(k, bx, by int) error {
		c := &d.comps[k]
		if !d.progressive {
			if k == 0 {
				// (A chroma block is decoded only to be
				// skipped: what lands in scratch is never read.)
				scratch = [65]int32{}
			}
			last, err := d.sequential(br, c, &scratch)
			if err != nil || k != 0 {
				return err
			}
			if bx < d.bwp && by*8 < d.rows {
				idct((*[64]int32)(scratch[:64]), &q, last == 0, d.pix[by*8*d.stride+bx*8:], d.stride)
			}
			return nil
		}
		var coef []int16
		if k == 0 {
			coef = d.coef[(by*d.bwp+bx)*64:][:64]
		}
		switch {
		case ss == 0 && ah == 0:
			if err := d.dcDiff(br, c); err != nil {
				return err
			}
			if coef != nil {
				coef[0] = int16(c.dcPred << al)
			}
		case ss == 0:
			if br.bit() && coef != nil {
				coef[0] |= 1 << al
			}
		case ah == 0:
			return d.acFirst(br, &d.ac[c.ta], coef, ss, se, al)
		default:
			return d.acRefine(br, &d.ac[c.ta], coef, ss, se, al)
		}
		return nil
	}
	units := 0
	restart := func() {
		units++
		if d.dri > 0 && units%d.dri == 0 {
			br.restart()
			d.eobrun = 0
			for i := range d.comps {
				d.comps[i].dcPred = 0
			}
		}
	}
	if ns == 1 {
		// Non-interleaved: the component's own blocks, one per MCU.
		k := order[0]
		c := &d.comps[k]
		for by := range c.bh {
			for bx := range c.bw {
				if err := block(k, bx, by); err != nil {
					return 0, err
				}
				restart()
			}
		}
		return end, nil
	}
	for my := range d.mcuy {
		for mx := range d.mcux {
			for _, k := range order {
				c := &d.comps[k]
				for v := range c.v {
					for h := range c.h {
						if err := block(k, mx*c.h+h, my*c.v+v); err != nil {
							return 0, err
						}
					}
				}
			}
			restart()
		}
	}
	return end, nil
}

// skipEntropy returns the offset of the first marker at or after p that
// is not a restart marker, or -1 if the data ends first.
func (d *decoder) skipEntropy(p int) int {
	data := d.data
	for p+1 < len(data) {
		if data[p] == 0xFF {
			m := data[p+1]
			if m != 0 && m != 0xFF && (m < mRST0 || m > mRST7) {
				return p
			}
			if m == 0xFF {
				p++ // fill byte before a marker
				continue
			}
			p += 2
			continue
		}
		p++
	}
	return -1
}

// dcDiff decodes a DC difference and adds it to c's predictor.
func (d *decoder) dcDiff(br *bitReader, c *component) error {
	h := &d.dc[c.td]
	if br.n < 16 {
		br.fill()
	}
	// Nearly every DC code and its magnitude bits fit in lookBits and
	// take one look-up of the table built for AC coefficients; a DC
	// symbol is the magnitude's size with a run of zero, and a symbol
	// over 15 (a corrupt table) has a run, so it takes the slow path
	// below and its error.
	if e := h.fastAC[br.acc>>(64-lookBits)]; e != 0 && e>>8&15 == 0 {
		l := uint(e & 15)
		br.acc <<= l
		br.n -= l
		c.dcPred += e >> 16
		return nil
	}
	t, err := br.decode(h)
	if err != nil {
		return err
	}
	if t > 15 {
		return fmt.Errorf("%w: DC category %d", ErrFormat, t)
	}
	if t > 0 {
		c.dcPred += br.receive(uint(t))
	}
	return nil
}

// sequential decodes one block of a baseline or extended sequential scan
// into blk (natural order, not dequantised) and returns the natural
// index of the last non-zero coefficient's zig-zag position (0 when only
// DC can be non-zero).
func (d *decoder) sequential(br *bitReader, c *component, blk *[65]int32) (int, error) {
	if err := d.dcDiff(br, c); err != nil {
		return 0, err
	}
	blk[0] = c.dcPred
	// The AC loop keeps the bit reader's state in locals: this is the
	// hottest loop of the decoder.
	ac := &d.ac[c.ta]
	last := 0
	acc, n := br.acc, br.n
	for k := 1; k < 64; {
		if n < 32 {
			br.acc, br.n = acc, n
			br.fill()
			acc, n = br.acc, br.n
		}
		i := acc >> (64 - lookBits)
		if e := ac.fastAC[i]; e != 0 {
			l := uint(e & 15)
			acc <<= l
			n -= l
			// A corrupt run past the block lands in blk[64].
			k += int(e >> 8 & 15)
			blk[zigzag[k]] = e >> 16
			last = k
			k++
			continue
		}
		var rs byte
		if e := ac.fast[i]; e != 0 {
			l := uint(e >> 8)
			acc <<= l
			n -= l
			rs = byte(e)
		} else {
			br.acc, br.n = acc, n
			var err error
			if rs, err = br.decode(ac); err != nil {
				return 0, err
			}
			acc, n = br.acc, br.n
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r != 15 {
				break // end of block
			}
			k += 16
			continue
		}
		k += r
		if k > 63 {
			return 0, fmt.Errorf("%w: coefficient run past the block", ErrFormat)
		}
		v := int32(acc >> (64 - s))
		acc <<= s
		n -= s
		if v < 1<<(s-1) {
			v += -1<<s + 1
		}
		blk[zigzag[k]] = v
		last = k
		k++
	}
	br.acc, br.n = acc, n
	return last, nil
}

// acFirst decodes the first pass of a band of AC coefficients
// (T.81 G.1.2.2) into coef (nil: decode and discard).
func (d *decoder) acFirst(br *bitReader, t *huffman, coef []int16, ss, se int, al uint) error {
	if d.eobrun > 0 {
		d.eobrun--
		return nil
	}
	for k := ss; k <= se; {
		rs, err := br.decode(t)
		if err != nil {
			return err
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r < 15 {
				d.eobrun = 1<<r - 1
				if r > 0 {
					d.eobrun += br.bits(uint(r))
				}
				return nil
			}
			k += 16
			continue
		}
		k += r
		if k > se {
			return fmt.Errorf("%w: coefficient run past the band", ErrFormat)
		}
		v := br.receive(s) << al
		if coef != nil {
			coef[zigzag[k]] = int16(v)
		}
		k++
	}
	return nil
}

// acRefine decodes a refinement pass of a band of AC coefficients
// (T.81 G.1.2.3): one more bit for every coefficient already non-zero,
// and newly non-zero coefficients of magnitude 1<<al.
func (d *decoder) acRefine(br *bitReader, t *huffman, coef []int16, ss, se int, al uint) error {
	if coef == nil {
		return fmt.Errorf("%w: refinement of a component that is not decoded", ErrFormat)
	}
	p1, m1 := int16(1)<<al, int16(-1)<<al
	refine := func(z uint8) {
		if br.bit() && coef[z]&p1 == 0 {
			if coef[z] >= 0 {
				coef[z] += p1
			} else {
				coef[z] += m1
			}
		}
	}
	k := ss
	if d.eobrun == 0 {
		for ; k <= se; k++ {
			rs, err := br.decode(t)
			if err != nil {
				return err
			}
			r, s := int(rs>>4), uint(rs&15)
			var v int16
			if s == 0 {
				if r < 15 {
					d.eobrun = 1 << r
					if r > 0 {
						d.eobrun += br.bits(uint(r))
					}
					break
				}
				// r == 15: sixteen zero-history coefficients.
			} else {
				if s != 1 {
					return fmt.Errorf("%w: refinement magnitude %d", ErrFormat, s)
				}
				v = m1
				if br.bit() {
					v = p1
				}
			}
			for ; k <= se; k++ {
				z := zigzag[k]
				if coef[z] != 0 {
					refine(z)
					continue
				}
				if r == 0 {
					if v != 0 {
						coef[z] = v
					}
					break
				}
				r--
			}
		}
	}
	if d.eobrun > 0 {
		for ; k <= se; k++ {
			if z := zigzag[k]; coef[z] != 0 {
				refine(z)
			}
		}
		d.eobrun--
	}
	return nil
}
