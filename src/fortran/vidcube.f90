! vidcube.f90: Fortran 2003 interface (ISO_C_BINDING) to libvidcube's
! buffer API: compress an array into one vidcube stream, decode it, and
! measure what was kept.
!
!     use vidcube
!     type(vc_params)   :: p
!     type(vidcube_ctx) :: ctx
!     integer(c_int8_t), allocatable :: stream(:)
!     call vidcube_params_init(p)
!     p%mode = VC_MODE_PSNR;  p%target = 45
!     call vidcube_ctx_create(ctx, p, status)
!     call vidcube_compress_f32(ctx, t2m, shape(t2m), stream, status)  ! real t2m(nx, ny, nt)
!     call vidcube_decompress_f32(ctx, stream, back, shape(back), status)
!     if (status /= VC_OK) print *, vidcube_error(ctx)
!     call vidcube_ctx_free(ctx)
!
! Arrays are Fortran arrays in Fortran order: t2m(nx, ny, nt) is, in memory,
! the C array t2m[nt][ny][nx], so vidcube sees axes (T, Y, X) by default.
! The shape argument (shape(x)) says the rank and extents; arrays are passed
! as assumed-size, so any rank from 1 to 5 works with one procedure (_f32
! for real(c_float), _f64 for real(c_double)).
! Axis roles, when the defaults do not fit, are a string in Fortran order,
! one letter per axis: 'XYCT' for x(nx, ny, nlev, nt).
!
! Copyright (C) 2026 the vidcube authors. GPL-2.0-or-later.
module vidcube
  use, intrinsic :: iso_c_binding
  implicit none
  private

  ! Status codes (vidcube.h: stable numbers).
  integer, parameter, public :: VC_OK = 0, VC_ERR_GENERIC = -1, VC_ERR_PARAM = -2, &
       VC_ERR_DTYPE = -3, VC_ERR_SHAPE = -4, VC_ERR_NOMEM = -5, VC_ERR_DST_SIZE = -6, &
       VC_ERR_NOT_VIDCUBE = -7, VC_ERR_VERSION = -8, VC_ERR_TRUNCATED = -9, &
       VC_ERR_CORRUPT = -10, VC_ERR_CODEC = -11, VC_ERR_TARGET = -12, &
       VC_ERR_UNSUPPORTED = -13, VC_ERR_LIMIT = -14, VC_ERR_NULL = -15
  ! Element types.
  integer, parameter, public :: VC_UINT8 = 1, VC_INT8 = 2, VC_UINT16 = 3, VC_INT16 = 4, &
       VC_UINT32 = 5, VC_INT32 = 6, VC_FLOAT32 = 7, VC_FLOAT64 = 8
  ! Modes: what p%target means.
  integer, parameter, public :: VC_MODE_PSNR = 1, VC_MODE_QP = 2, VC_MODE_CRF = 3, &
       VC_MODE_LOSSLESS = 4, VC_MODE_ABS = 5, VC_MODE_REL = 6, VC_MODE_RATE = 7
  integer, parameter, public :: VC_TRANSFORM_NONE = 0, VC_TRANSFORM_KLT = 1, &
       VC_TRANSFORM_WAE = 2, VC_TRANSFORM_AUTO = 3
  integer, parameter, public :: VC_MAX_RANK = 5

  ! The C structs, field for field (vidcube.h).
  type, bind(C), public :: vc_params
     integer(c_int) :: mode
     real(c_double) :: target
     integer(c_int) :: bit_depth, preset, threads, has_fill
     real(c_double) :: fill_value
     integer(c_int) :: transform
  end type vc_params

  type, bind(C), public :: vc_array
     integer(c_int)    :: dtype, rank
     integer(c_size_t) :: dims(VC_MAX_RANK)    ! C order: slowest first
     integer(c_int)    :: roles(VC_MAX_RANK)   ! ichar('T'), ... or 0
  end type vc_array

  type, bind(C), public :: vc_quality
     real(c_double)    :: psnr_db, rmse, max_abs_error, peak, min, max
     integer(c_size_t) :: n_valid, n_masked
     integer(c_int)    :: mask_exact
  end type vc_quality

  type, bind(C), public :: vc_stream_info
     type(vc_array)    :: array
     integer(c_size_t) :: decoded_size, nbands
     integer(c_int)    :: format, writer_version, mode
     real(c_double)    :: target
     integer(c_int)    :: bit_depth, transform, has_fill
     real(c_double)    :: fill_value
  end type vc_stream_info

  ! A compression context (parameters, scratch, the last report).
  type, public :: vidcube_ctx
     type(c_ptr) :: ptr = c_null_ptr
  end type vidcube_ctx

  ! One procedure per element type, not a generic name: arrays of any rank
  ! reach the assumed-size dummy by sequence association, which Fortran
  ! allows for a specific procedure but not in generic resolution.
  public :: vidcube_params_init, vidcube_ctx_create, vidcube_ctx_free, vidcube_error, &
       vidcube_strerror, vidcube_version, vidcube_array_of, vidcube_stream_info, &
       vidcube_compress_f32, vidcube_compress_f64, vidcube_decompress_f32, &
       vidcube_decompress_f64, vidcube_measure_f32, vidcube_measure_f64, vidcube_c_string

  interface
     subroutine c_params_init(p) bind(C, name='vc_params_init')
       import :: vc_params
       type(vc_params), intent(out) :: p
     end subroutine c_params_init
     function c_ctx_create(p) bind(C, name='vc_ctx_create') result(ctx)
       import :: c_ptr, vc_params
       type(vc_params), intent(in) :: p
       type(c_ptr) :: ctx
     end function c_ctx_create
     subroutine c_ctx_free(ctx) bind(C, name='vc_ctx_free')
       import :: c_ptr
       type(c_ptr), value :: ctx
     end subroutine c_ctx_free
     function c_ctx_error(ctx) bind(C, name='vc_ctx_error') result(s)
       import :: c_ptr
       type(c_ptr), value :: ctx
       type(c_ptr) :: s
     end function c_ctx_error
     function c_strerror(status) bind(C, name='vc_strerror') result(s)
       import :: c_int, c_ptr
       integer(c_int), value :: status
       type(c_ptr) :: s
     end function c_strerror
     function c_version_string() bind(C, name='vc_version_string') result(s)
       import :: c_ptr
       type(c_ptr) :: s
     end function c_version_string
     function c_array_check(a) bind(C, name='vc_array_check') result(rc)
       import :: c_int, vc_array
       type(vc_array), intent(inout) :: a
       integer(c_int) :: rc
     end function c_array_check
     function c_compress_bound(a) bind(C, name='vc_compress_bound') result(n)
       import :: c_size_t, vc_array
       type(vc_array), intent(in) :: a
       integer(c_size_t) :: n
     end function c_compress_bound
     function c_compress(ctx, a, src, dst, cap, n) bind(C, name='vc_compress') result(rc)
       import :: c_int, c_ptr, c_size_t, vc_array
       type(c_ptr), value :: ctx, src, dst
       type(vc_array), intent(in) :: a
       integer(c_size_t), value :: cap
       integer(c_size_t), intent(out) :: n
       integer(c_int) :: rc
     end function c_compress
     function c_stream_info_read(src, n, info) bind(C, name='vc_stream_info_read') result(rc)
       import :: c_int, c_ptr, c_size_t, vc_stream_info
       type(c_ptr), value :: src
       integer(c_size_t), value :: n
       type(vc_stream_info), intent(out) :: info
       integer(c_int) :: rc
     end function c_stream_info_read
     function c_decompress(ctx, src, n, dst, cap) bind(C, name='vc_decompress') result(rc)
       import :: c_int, c_ptr, c_size_t
       type(c_ptr), value :: ctx, src, dst
       integer(c_size_t), value :: n, cap
       integer(c_int) :: rc
     end function c_decompress
     function c_measure(a, orig, recon, has_fill, fill, bands, nbands, total) &
          bind(C, name='vc_measure') result(rc)
       import :: c_int, c_ptr, c_size_t, c_double, vc_array, vc_quality
       type(vc_array), intent(in) :: a
       type(c_ptr), value :: orig, recon, bands
       integer(c_int), value :: has_fill
       real(c_double), value :: fill
       integer(c_size_t), value :: nbands
       type(vc_quality), intent(out) :: total
       integer(c_int) :: rc
     end function c_measure
     function c_strlen(s) bind(C, name='strlen') result(n)
       import :: c_ptr, c_size_t
       type(c_ptr), value :: s
       integer(c_size_t) :: n
     end function c_strlen
  end interface

contains

  !> A NUL-terminated C string as a Fortran string ('' for a null pointer).
  function vidcube_c_string(p) result(s)
    type(c_ptr), intent(in) :: p
    character(len=:), allocatable :: s
    character(kind=c_char), pointer :: chars(:)
    integer :: i, n
    if (.not. c_associated(p)) then
       s = ''
       return
    end if
    n = int(c_strlen(p))
    call c_f_pointer(p, chars, [n])
    allocate(character(len=n) :: s)
    do i = 1, n
       s(i:i) = chars(i)
    end do
  end function vidcube_c_string

  !> The documented defaults: PSNR >= 50 dB, 10-bit video.
  subroutine vidcube_params_init(p)
    type(vc_params), intent(out) :: p
    call c_params_init(p)
  end subroutine vidcube_params_init

  !> Create a context; params absent means the defaults (enough to decode).
  subroutine vidcube_ctx_create(ctx, params, status)
    type(vidcube_ctx), intent(out) :: ctx
    type(vc_params), intent(in), optional :: params
    integer, intent(out) :: status
    type(vc_params) :: p
    if (present(params)) then
       p = params
    else
       call c_params_init(p)
    end if
    ctx%ptr = c_ctx_create(p)
    status = VC_OK
    if (.not. c_associated(ctx%ptr)) status = VC_ERR_NOMEM
  end subroutine vidcube_ctx_create

  subroutine vidcube_ctx_free(ctx)
    type(vidcube_ctx), intent(inout) :: ctx
    call c_ctx_free(ctx%ptr)
    ctx%ptr = c_null_ptr
  end subroutine vidcube_ctx_free

  !> What went wrong in the last call on ctx, in a sentence ('' if nothing).
  function vidcube_error(ctx) result(msg)
    type(vidcube_ctx), intent(in) :: ctx
    character(len=:), allocatable :: msg
    msg = vidcube_c_string(c_ctx_error(ctx%ptr))
  end function vidcube_error

  !> The name of a status code.
  function vidcube_strerror(status) result(msg)
    integer, intent(in) :: status
    character(len=:), allocatable :: msg
    msg = vidcube_c_string(c_strerror(int(status, c_int)))
  end function vidcube_strerror

  !> The linked library's version, "MAJOR.MINOR.PATCH".
  function vidcube_version() result(v)
    character(len=:), allocatable :: v
    v = vidcube_c_string(c_version_string())
  end function vidcube_version

  !> The C description of a Fortran array of this dtype and shape (Fortran
  !> order), with roles (Fortran order, e.g. 'XYT') or the defaults.
  function vidcube_array_of(dtype, shp, roles, status) result(a)
    integer, intent(in) :: dtype
    integer, intent(in) :: shp(:)
    character(len=*), intent(in), optional :: roles
    integer, intent(out), optional :: status
    type(vc_array) :: a
    integer :: i, r, rc
    r = size(shp)
    a%dtype = int(dtype, c_int)
    a%rank = int(r, c_int)
    a%dims = 0
    a%roles = 0
    rc = VC_OK
    if (r < 1 .or. r > VC_MAX_RANK) then
       rc = VC_ERR_SHAPE
    else
       do i = 1, r
          a%dims(i) = int(shp(r + 1 - i), c_size_t)
       end do
       if (present(roles)) then
          if (len_trim(roles) /= r) then
             rc = VC_ERR_SHAPE
          else
             do i = 1, r
                a%roles(i) = int(ichar(roles(r + 1 - i:r + 1 - i)), c_int)
             end do
          end if
       end if
       if (rc == VC_OK) rc = int(c_array_check(a))
    end if
    if (present(status)) status = rc
  end function vidcube_array_of

  !> The header of a stream: shape, dtype, size once decoded, parameters.
  subroutine vidcube_stream_info(stream, info, status)
    integer(c_int8_t), intent(in), target :: stream(:)
    type(vc_stream_info), intent(out) :: info
    integer, intent(out) :: status
    if (size(stream) == 0) then
       status = VC_ERR_TRUNCATED
       return
    end if
    status = int(c_stream_info_read(c_loc(stream(1)), int(size(stream), c_size_t), info))
  end subroutine vidcube_stream_info

  ! ---- compress: the array becomes one stream, allocated to its size ----
  subroutine compress_ptr(ctx, dtype, src, shp, stream, status, roles)
    type(vidcube_ctx), intent(inout) :: ctx
    integer, intent(in) :: dtype
    type(c_ptr), intent(in) :: src
    integer, intent(in) :: shp(:)
    integer(c_int8_t), allocatable, intent(out) :: stream(:)
    integer, intent(out) :: status
    character(len=*), intent(in), optional :: roles
    integer(c_int8_t), allocatable, target :: buf(:)
    type(vc_array) :: a
    integer(c_size_t) :: cap, n
    a = vidcube_array_of(dtype, shp, roles, status)
    if (status /= VC_OK) return
    cap = c_compress_bound(a)
    allocate(buf(cap))
    status = int(c_compress(ctx%ptr, a, src, c_loc(buf(1)), cap, n))
    if (status == VC_OK) stream = buf(1:n)
  end subroutine compress_ptr

  subroutine vidcube_compress_f32(ctx, x, shp, stream, status, roles)
    type(vidcube_ctx), intent(inout) :: ctx
    real(c_float), intent(in), target :: x(*)
    integer, intent(in) :: shp(:)
    integer(c_int8_t), allocatable, intent(out) :: stream(:)
    integer, intent(out) :: status
    character(len=*), intent(in), optional :: roles
    call compress_ptr(ctx, VC_FLOAT32, c_loc(x(1)), shp, stream, status, roles)
  end subroutine vidcube_compress_f32

  subroutine vidcube_compress_f64(ctx, x, shp, stream, status, roles)
    type(vidcube_ctx), intent(inout) :: ctx
    real(c_double), intent(in), target :: x(*)
    integer, intent(in) :: shp(:)
    integer(c_int8_t), allocatable, intent(out) :: stream(:)
    integer, intent(out) :: status
    character(len=*), intent(in), optional :: roles
    call compress_ptr(ctx, VC_FLOAT64, c_loc(x(1)), shp, stream, status, roles)
  end subroutine vidcube_compress_f64

  ! ---- decompress: into an array of the stream's dtype and size ----
  subroutine decompress_ptr(ctx, stream, dtype, dst, shp, status)
    type(vidcube_ctx), intent(inout) :: ctx
    integer(c_int8_t), intent(in), target :: stream(:)
    integer, intent(in) :: dtype
    type(c_ptr), intent(in) :: dst
    integer, intent(in) :: shp(:)
    integer, intent(out) :: status
    type(vc_stream_info) :: info
    integer(c_size_t) :: bytes
    call vidcube_stream_info(stream, info, status)
    if (status /= VC_OK) return
    if (info%array%dtype /= dtype) then
       status = VC_ERR_DTYPE
       return
    end if
    bytes = int(product(int(shp, c_size_t)), c_size_t) * merge(4_c_size_t, 8_c_size_t, &
         dtype == VC_FLOAT32)
    if (bytes /= info%decoded_size) then
       status = VC_ERR_DST_SIZE
       return
    end if
    status = int(c_decompress(ctx%ptr, c_loc(stream(1)), int(size(stream), c_size_t), dst, &
         bytes))
  end subroutine decompress_ptr

  subroutine vidcube_decompress_f32(ctx, stream, x, shp, status)
    type(vidcube_ctx), intent(inout) :: ctx
    integer(c_int8_t), intent(in), target :: stream(:)
    real(c_float), intent(inout), target :: x(*)
    integer, intent(in) :: shp(:)
    integer, intent(out) :: status
    call decompress_ptr(ctx, stream, VC_FLOAT32, c_loc(x(1)), shp, status)
  end subroutine vidcube_decompress_f32

  subroutine vidcube_decompress_f64(ctx, stream, x, shp, status)
    type(vidcube_ctx), intent(inout) :: ctx
    integer(c_int8_t), intent(in), target :: stream(:)
    real(c_double), intent(inout), target :: x(*)
    integer, intent(in) :: shp(:)
    integer, intent(out) :: status
    call decompress_ptr(ctx, stream, VC_FLOAT64, c_loc(x(1)), shp, status)
  end subroutine vidcube_decompress_f64

  ! ---- measure: PSNR, RMSE, max error of recon against orig ----
  subroutine measure_ptr(dtype, orig, recon, shp, total, status, fill)
    integer, intent(in) :: dtype
    type(c_ptr), intent(in) :: orig, recon
    integer, intent(in) :: shp(:)
    type(vc_quality), intent(out) :: total
    integer, intent(out) :: status
    real(c_double), intent(in), optional :: fill
    type(vc_array) :: a
    integer(c_int) :: has_fill
    real(c_double) :: f
    a = vidcube_array_of(dtype, shp, status=status)
    if (status /= VC_OK) return
    has_fill = 0
    f = 0
    if (present(fill)) then
       has_fill = 1
       f = fill
    end if
    status = int(c_measure(a, orig, recon, has_fill, f, c_null_ptr, 0_c_size_t, total))
  end subroutine measure_ptr

  subroutine vidcube_measure_f32(orig, recon, shp, total, status, fill)
    real(c_float), intent(in), target :: orig(*), recon(*)
    integer, intent(in) :: shp(:)
    type(vc_quality), intent(out) :: total
    integer, intent(out) :: status
    real(c_double), intent(in), optional :: fill
    call measure_ptr(VC_FLOAT32, c_loc(orig(1)), c_loc(recon(1)), shp, total, status, fill)
  end subroutine vidcube_measure_f32

  subroutine vidcube_measure_f64(orig, recon, shp, total, status, fill)
    real(c_double), intent(in), target :: orig(*), recon(*)
    integer, intent(in) :: shp(:)
    type(vc_quality), intent(out) :: total
    integer, intent(out) :: status
    real(c_double), intent(in), optional :: fill
    call measure_ptr(VC_FLOAT64, c_loc(orig(1)), c_loc(recon(1)), shp, total, status, fill)
  end subroutine vidcube_measure_f64

end module vidcube
