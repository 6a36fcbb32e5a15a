//! Printer languages: the same 1-bit raster as ESC/POS, ZPL and CPCL bytes,
//! and as a PNG preview. Printing the ticket as an image means Chinese
//! prints on any printer, with or without a font of its own.

use super::raster::Bitmap;

/// Rows per ESC/POS `GS v 0` band: cheap printers overflow on bigger images.
pub const ESCPOS_BAND: u32 = 256;

pub fn escpos(bm: &Bitmap) -> Vec<u8> {
    let mut out = vec![0x1B, b'@']; // initialise
    let mut y = 0;
    while y < bm.height {
        let rows = ESCPOS_BAND.min(bm.height - y);
        let x_bytes = bm.stride as u16;
        out.extend([0x1D, b'v', b'0', 0]);
        out.extend(x_bytes.to_le_bytes());
        out.extend((rows as u16).to_le_bytes());
        for r in y..y + rows {
            out.extend(bm.row(r));
        }
        y += rows;
    }
    out.extend([0x1B, b'd', 4]); // feed four lines to tear off
    out
}

/// Decodes ESC/POS raster bands back into a bitmap (for tests and previews).
pub fn escpos_decode(bytes: &[u8]) -> Option<Bitmap> {
    let mut rows: Vec<Vec<u8>> = Vec::new();
    let mut stride = 0usize;
    let mut i = 0;
    while let Some(head) = bytes.get(i..i + 8) {
        if let [0x1D, b'v', b'0', _, x0, x1, h0, h1] = *head {
            let x = u16::from_le_bytes([x0, x1]) as usize;
            let h = u16::from_le_bytes([h0, h1]) as usize;
            stride = x;
            let start = i + 8;
            let end = start.checked_add(x * h)?;
            let data = bytes.get(start..end)?;
            rows.extend(data.chunks(x).map(<[u8]>::to_vec));
            i = end;
        } else {
            i += 1;
        }
    }
    let mut bm = Bitmap::new((stride * 8) as u32, rows.len() as u32);
    bm.bits = rows.concat();
    Some(bm)
}

/// ZPL: the raster as one `^GFA` graphic field with ZPL's ASCII compression
/// (repeat counts, `,` for a row of zeros to the end, `:` for a repeated row).
pub fn zpl(bm: &Bitmap) -> Vec<u8> {
    let total = bm.stride * bm.height as usize;
    let mut data = String::new();
    let mut previous: Option<&[u8]> = None;
    for y in 0..bm.height {
        let row = bm.row(y);
        if previous == Some(row) {
            data.push(':');
            continue;
        }
        previous = Some(row);
        data.push_str(&compress_zpl_row(row));
    }
    format!(
        "^XA^PW{}^LL{}^FO0,0^GFA,{total},{total},{},{data}^FS^XZ\n",
        bm.width, bm.height, bm.stride
    )
    .into_bytes()
}

fn zpl_count(mut n: usize) -> String {
    // g..z count 20..400 in twenties, G..Y count 1..19.
    let mut s = String::new();
    while n >= 20 {
        let twenties = (n / 20).min(20);
        s.push((b'f' + twenties as u8) as char);
        n -= twenties * 20;
    }
    if n > 0 {
        s.push((b'F' + n as u8) as char);
    }
    s
}

fn compress_zpl_row(row: &[u8]) -> String {
    let hex: Vec<char> = hex::encode_upper(row).chars().collect();
    let trimmed = hex
        .iter()
        .rposition(|c| *c != '0')
        .map(|p| p + 1)
        .unwrap_or(0);
    let mut out = String::new();
    // Runs of one digit, up to where only zeros are left.
    for run in hex
        .get(..trimmed)
        .unwrap_or_default()
        .chunk_by(|a, b| a == b)
    {
        if let Some(&c) = run.first() {
            if run.len() > 1 {
                out.push_str(&zpl_count(run.len()));
            }
            out.push(c);
        }
    }
    if trimmed < hex.len() {
        out.push(',');
    }
    out
}

/// Expands a compressed `^GFA` field back into a bitmap (for tests).
pub fn zpl_decode(bytes: &[u8]) -> Option<Bitmap> {
    let text = std::str::from_utf8(bytes).ok()?;
    let gf = &text[text.find("^GFA,")? + 5..];
    let mut parts = gf.splitn(4, ',');
    let total: usize = parts.next()?.parse().ok()?;
    let _: usize = parts.next()?.parse().ok()?;
    let stride: usize = parts.next()?.parse().ok()?;
    let data = parts.next()?;
    let data = &data[..data.find("^FS")?];
    let hex_per_row = stride * 2;
    let mut rows: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut count = 0usize;
    for c in data.chars() {
        match c {
            'G'..='Y' => count += (c as u8 - b'F') as usize,
            'g'..='z' => count += (c as u8 - b'f') as usize * 20,
            ',' => {
                while current.len() < hex_per_row {
                    current.push('0');
                }
            }
            ':' => {
                rows.push(rows.last()?.clone());
                continue;
            }
            '0'..='9' | 'A'..='F' => {
                for _ in 0..count.max(1) {
                    current.push(c);
                }
                count = 0;
            }
            _ => return None,
        }
        if current.len() >= hex_per_row {
            rows.push(current[..hex_per_row].to_owned());
            current.clear();
        }
    }
    let bits = hex::decode(rows.concat()).ok()?;
    if bits.len() != total {
        return None;
    }
    let mut bm = Bitmap::new((stride * 8) as u32, (total / stride) as u32);
    bm.bits = bits;
    Some(bm)
}

/// CPCL: the raster as one binary `CG` graphic.
pub fn cpcl(bm: &Bitmap) -> Vec<u8> {
    let mut out = format!(
        "! 0 200 200 {} 1\r\nCG {} {} 0 0 ",
        bm.height, bm.stride, bm.height
    )
    .into_bytes();
    out.extend(&bm.bits);
    out.extend(b"\r\nPRINT\r\n");
    out
}

pub fn cpcl_decode(bytes: &[u8]) -> Option<Bitmap> {
    let start = bytes.windows(3).position(|w| w == b"CG ")?;
    let header_end = start
        + bytes
            .get(start..)?
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b' ')
            .nth(4)?
            .0
        + 1;
    let header = std::str::from_utf8(bytes.get(start..header_end)?).ok()?;
    let mut nums = header
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse::<usize>().ok());
    let (stride, height) = (nums.next()?, nums.next()?);
    let data = bytes.get(header_end..header_end + stride * height)?;
    let mut bm = Bitmap::new((stride * 8) as u32, height as u32);
    bm.bits = data.to_vec();
    Some(bm)
}

/// A PNG preview of exactly what the printer prints.
pub fn png(bm: &Bitmap) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, bm.width, bm.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header()?;
        // PNG grayscale: 1 is white, so invert.
        let inverted: Vec<u8> = bm.bits.iter().map(|b| !b).collect();
        writer.write_image_data(&inverted)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bitmap {
        let mut bm = Bitmap::new(64, 600);
        for y in 0..600 {
            for x in 0..64 {
                if (x / 8 + y / 3) % 3 == 0 || y == 17 {
                    bm.set(x, y);
                }
            }
        }
        bm
    }

    #[test]
    fn every_language_round_trips_bit_for_bit() {
        let bm = sample();
        let esc = escpos(&bm);
        assert_eq!(escpos_decode(&esc).unwrap(), bm);
        // Banded: 600 rows are three bands.
        assert_eq!(
            esc.windows(3).filter(|w| *w == [0x1D, b'v', b'0']).count(),
            3
        );
        assert_eq!(zpl_decode(&zpl(&bm)).unwrap(), bm);
        assert_eq!(cpcl_decode(&cpcl(&bm)).unwrap(), bm);
    }

    #[test]
    fn zpl_compresses_blank_and_repeated_rows() {
        let blank = Bitmap::new(384, 100);
        let z = zpl(&blank);
        assert!(z.len() < 300, "{} bytes", z.len());
        assert_eq!(zpl_decode(&z).unwrap(), blank);
        assert_eq!(zpl_count(1), "G");
        assert_eq!(zpl_count(19), "Y");
        assert_eq!(zpl_count(20), "g");
        assert_eq!(zpl_count(45), "hK");
    }
}
